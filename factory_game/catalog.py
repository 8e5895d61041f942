"""What levels can name: content types, model providers and their models, the mods' summary metrics and incident
kinds. Built by the plugin layer from the built-in content and the mods a level uses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from factory_game.sim.metrics import Metric
from factory_game.sim.spec import ContentSpec, ModelSpec


@dataclass(frozen=True)
class Provider:
    """An upstream company that sells model capacity; each of its models says what content it serves."""

    id: str
    names: dict[str, str]  # language -> name, at least "en" and "zh-CN"
    models: tuple[ModelSpec, ...] = ()


@dataclass(frozen=True)
class ModIncident:
    """An incident kind a mod registers. `texts` holds the player's words, each `{"en": …, "zh-CN": …}`: "title",
    "body" (what happened; `{name}` fields are the drawn sizes, shown as the built-in cards show theirs: `*_cents`
    as money, `*_ms` as a duration, `model`/`content` by name) and one entry per choice (its button). `draw`,
    `start` and `answer` take any of their offered arguments by name (plugins/incidents.py's OFFERED)."""

    name: str
    choices: tuple[str, ...]
    default: str
    deadline_ms: int
    texts: Mapping[str, Mapping[str, str]]
    draw: Callable[..., dict | None]
    answer: Callable[..., Any]
    start: Callable[..., Any] | None = None


@dataclass
class Catalog:
    content: dict[str, ContentSpec] = field(default_factory=dict)
    models: dict[str, ModelSpec] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # "content:image" / "model:sd15" -> who registered it
    metrics: dict[str, Metric] = field(default_factory=dict)  # "mods.<mod id>.<name>" -> what a mod declares
    # "<mod id>/<name>" -> the parameters of an event kind a mod declares (each with .name, .meta and .default)
    events: dict[str, tuple] = field(default_factory=dict)
    incidents: dict[str, ModIncident] = field(default_factory=dict)  # "<mod id>/<name>" -> a mod's incident kind

    def add_content(self, spec: ContentSpec, origin: str = "builtin") -> None:
        self._claim(f"content:{spec.id}", origin)
        self.content[spec.id] = spec

    def add_model(self, spec: ModelSpec, origin: str = "builtin") -> None:
        self._claim(f"model:{spec.id}", origin)
        self.models[spec.id] = spec

    def add_provider(self, provider: Provider, origin: str = "builtin") -> None:
        """The provider and each of its models (tagged with the provider's id)."""
        self._claim(f"provider:{provider.id}", origin)
        self.providers[provider.id] = provider
        for model in provider.models:
            self.add_model(replace(model, provider=provider.id), origin)

    def add_incident(self, name: str, kind: ModIncident, origin: str) -> None:
        self._claim(f"incident:{name}", origin)
        self.incidents[name] = kind

    def _claim(self, key: str, origin: str) -> None:
        if key in self.origin:
            kind, ident = key.split(":", 1)
            raise DuplicateIdError(f"{kind} {ident!r} is defined by both {self.origin[key]} and {origin}")
        self.origin[key] = origin


class DuplicateIdError(ValueError):
    """Two sources (built-in content or mods) define the same id."""
