"""What levels can name: content types and models. Built from the built-in content and the mods a level uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from factory_game.sim.spec import ContentSpec, ModelSpec


@dataclass
class Catalog:
    content: dict[str, ContentSpec] = field(default_factory=dict)
    models: dict[str, ModelSpec] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # "content:image" / "model:sd15" -> who registered it

    def add_content(self, spec: ContentSpec, origin: str = "builtin") -> None:
        self._claim(f"content:{spec.id}", origin)
        self.content[spec.id] = spec

    def add_model(self, spec: ModelSpec, origin: str = "builtin") -> None:
        self._claim(f"model:{spec.id}", origin)
        self.models[spec.id] = spec

    def _claim(self, key: str, origin: str) -> None:
        if key in self.origin:
            kind, ident = key.split(":", 1)
            raise DuplicateIdError(f"{kind} {ident!r} is defined by both {self.origin[key]} and {origin}")
        self.origin[key] = origin


class DuplicateIdError(ValueError):
    """Two sources (built-in content or mods) define the same id."""
