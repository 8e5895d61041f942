"""Example mod 1 (mods/mesh3d): a new content type with its own provider and icon, and the level that uses it."""

import importlib.util
from pathlib import Path

import pytest
from PIL import Image

from factory_game.level import LevelError, load_level
from factory_game.plugins import open_mods, prepare_level
from factory_game.runner import run_level
from factory_game.sim.clock import MINUTE

ROOT = Path(__file__).resolve().parents[2]
MOD = ROOT / "mods" / "mesh3d"
LEVEL = ROOT / "levels" / "mods" / "mesh-studio.toml"


def test_the_mod_registers_3d_models_and_polyforge():
    catalog = open_mods([("mesh3d", ">=1")]).catalog
    mesh = catalog.content["mesh"]
    assert mesh.names == {"en": "3D model", "zh-CN": "3D 模型"} and mesh.price_cents == 1500
    assert Path(mesh.icon) == MOD / "icon.png"  # resolved against the mod's folder
    model = catalog.models["mesh-gen"]
    assert (model.provider, model.content, model.slots) == ("polyforge", ("mesh",), 8)
    assert model.mean_service_ms >= 30 * MINUTE  # long jobs
    assert catalog.origin["content:mesh"] == catalog.origin["provider:polyforge"] == "mod mesh3d 1.0.0"
    assert catalog.providers["polyforge"].names["zh-CN"] == "多边形工坊"


def test_the_icon_is_16x16_pixel_art_drawn_by_its_script():
    spec = importlib.util.spec_from_file_location("make_mesh_icon", MOD / "make_icon.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    committed = Image.open(MOD / "icon.png").convert("RGBA")
    assert committed.size == (16, 16)
    assert list(committed.getdata()) == list(script.draw().getdata())
    alphas = {a for *_rgb, a in committed.getdata()}
    assert alphas == {0, 255}  # crisp pixels: fully transparent or fully opaque


def test_the_level_runs_mesh_tasks_on_polyforge():
    spec, _rules, session = prepare_level(LEVEL)
    assert [m.id for m in session.mods] == ["builtin", "mesh3d"]
    result = run_level(spec, mods=session)
    mesh = result.summary["models"]["mesh-gen"]
    assert mesh["completed"] > 20 and mesh["lost_sales"] == 0
    assert result.summary["money"]["revenue_cents"] > 0


def test_without_the_mod_mesh_is_unknown(tmp_path):
    text = LEVEL.read_text(encoding="utf-8").replace('mods = [{ id = "mesh3d", version = ">=1.0,<2" }]', "")
    (tmp_path / "no-mod.toml").write_text(text, encoding="utf-8")
    with pytest.raises(LevelError, match="unknown model 'mesh-gen'"):
        load_level(tmp_path / "no-mod.toml")
