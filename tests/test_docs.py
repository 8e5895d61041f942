"""Documentation that cannot rot: the complete example in docs/levels.md loads and runs."""

import re
from pathlib import Path

from factory_game.level import parse_level
from factory_game.sim.world import World

DOCS = Path(__file__).resolve().parents[1] / "docs"


def toml_blocks(path: Path) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def test_levels_md_example_is_valid_and_complete():
    (example,) = toml_blocks(DOCS / "levels.md")
    spec = parse_level(example, "docs/levels.md")
    assert {e.kind for e in spec.events} == {"outage", "spike", "price"}
    assert len(spec.goals) == 3 and [m.id for m in spec.models] == ["sd15", "upscaler"]
    summary = World(spec).run(2 * 3_600_000)
    assert summary["overall"]["customers"] > 0
