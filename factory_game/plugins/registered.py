"""What a mod registers (content types, providers and their models) checked against the same declared schema as
level files: the units and ranges on the spec dataclasses' fields (`factory_game.sim.spec.toml`), applied to the
Python values a mod builds. A registered model is as bounded as one a level writes (slots 0..500, costs >= 0 …);
each problem names the object and its field, and says what was expected and what was found."""

from __future__ import annotations

import dataclasses
import math

from factory_game.level.units import MAX_DURATION_MS, MAX_MONEY_CENTS
from factory_game.plugins.manifest import ID, LANGUAGES
from factory_game.sim.distributions import Dist
from factory_game.sim.spec import ContentSpec, ModelSpec

BUILTIN_ICONS = ("image", "video", "audio", "text", "generic")  # sprite names in resources/sprites (icon_<name>)
MIN_SERVICE_MS = 1000  # a mean service time below a second is a unit slip (Dist values are milliseconds)


def check_content(content: ContentSpec, folder) -> list[str]:
    """Problems of a registered content type (`folder`: the mod's folder, where a PNG icon must be)."""
    what = f"content type {content.id!r}"
    problems = check_id_and_names(what, content.id, content.names)
    if type(content.price_cents) is not int or not 0 <= content.price_cents <= MAX_MONEY_CENTS:
        problems.append(f"{what}: price_cents expected whole cents (an int) from 0 to {MAX_MONEY_CENTS}; "
                        f"found {content.price_cents!r}")
    icon = content.icon
    if not isinstance(icon, str):
        problems.append(f"{what}: icon expected a PNG file name or a built-in icon; found {icon!r}")
    elif icon.endswith(".png"):
        if folder is not None and not (folder / icon).is_file():
            problems.append(f"{what}: icon {icon!r} not found in {folder}")
    elif icon and icon not in BUILTIN_ICONS:
        problems.append(f"{what}: icon expected a PNG file in the mod's folder (16x16, drawn at 8x8 on tickets) or "
                        f"one of the built-in icons {', '.join(BUILTIN_ICONS)}; found {icon!r}")
    return problems


def check_model(model: ModelSpec) -> list[str]:
    """Problems of a registered model: id, names, content (a tuple of ids), then each declared field."""
    what = f"model {model.id!r}"
    problems = check_id_and_names(what, model.id, model.names or {lang: model.id for lang in LANGUAGES})
    content = model.content
    if not isinstance(content, tuple) or not all(isinstance(c, str) for c in content):
        problems.append(f"{what}: content expected a tuple of content type ids, like (\"image\",); "
                        f"found {content!r}")
    elif not content:
        problems.append(f"{what}: content expected at least one content type; found ()")
    for field in dataclasses.fields(ModelSpec):
        meta = field.metadata
        if "toml" not in meta or field.name == "names":
            continue
        problem = _check_value(getattr(model, field.name), meta["unit"], meta["low"], meta["high"])
        if problem:
            problems.append(f"{what}: {field.name} expected {problem}; found {getattr(model, field.name)!r}")
    return problems


def _check_value(value, unit: str, low, high) -> str | None:
    """What `value` should have been, or None when it fits the declared unit and range."""
    if unit == "integer":
        if type(value) is not int or (low is not None and value < low) or (high is not None and value > high):
            return f"an int{_range(low, high)}"
    elif unit == "share":
        if type(value) not in (int, float) or not 0.0 <= value <= 1.0:
            return "a number from 0 to 1"
    elif unit == "number":
        if type(value) not in (int, float) or not math.isfinite(value) or (low is not None and value < low) \
                or (high is not None and value > high):
            return f"a finite number{_range(low, high)}"
    elif unit == "duration":
        if type(value) is not int or not (low or 0) <= value <= MAX_DURATION_MS:
            return f"whole milliseconds (an int){_range(low or 0, MAX_DURATION_MS)}"
    elif unit == "money":
        if type(value) is not int or not (low or 0) <= value <= MAX_MONEY_CENTS:
            return f"whole cents (an int){_range(low or 0, MAX_MONEY_CENTS)}"
    elif unit == "dist:duration":
        if not isinstance(value, Dist):
            return 'a Dist of milliseconds, like Dist.exponential(5 * MINUTE)'
        values = (value.low, value.high, value.mean) if value.kind == "uniform" else (value.mean,)
        if not all(type(v) in (int, float) and math.isfinite(v) and 0 <= v <= MAX_DURATION_MS for v in values) \
                or value.mean < MIN_SERVICE_MS:
            return (f"a Dist of milliseconds with a mean of at least {MIN_SERVICE_MS} (1 s) and values up to "
                    f"{MAX_DURATION_MS}: Dist values are ms, so use SECOND, MINUTE, HOUR")
    return None


def _range(low, high) -> str:
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" of at least {low}"
    return ""


def check_id_and_names(what: str, ident, names) -> list[str]:
    problems = []
    if not isinstance(ident, str) or not ID.match(ident):
        problems.append(f"{what}: the id must be lowercase letters, digits, - and _")
    if not isinstance(names, dict):
        return [*problems, f"{what}: names expected a table of en and zh-CN names; found {names!r}"]
    missing = [lang for lang in LANGUAGES if not isinstance(names.get(lang), str) or not names[lang].strip()]
    if missing:
        problems.append(f"{what}: names needs {' and '.join(missing)}")
    return problems
