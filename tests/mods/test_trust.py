"""The review's silent failures (docs: modding-review F1-F17 and the C findings), each made loud: a named error, a
non-zero exit, or a refusal; never a run that looks fine and isn't."""

import json
import math
from importlib.metadata import EntryPoint

import pytest

from factory_game.cli import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, main
from factory_game.level import LevelError
from factory_game.plugins import ModError, ModFailed, discover, open_mods, prepare_level
from factory_game.plugins.resolve import resolve
from factory_game.plugins.session import ModSession
from factory_game.runner import run_level
from tests.mods.helpers import write_level, write_mod

OBSERVER = """
@hookimpl
def river_observe(event):
    pass
"""


def run_with(mods_dir, tmp_path, code, strict=True, mod_id="m", budget=None):
    write_mod(mods_dir, mod_id, code)
    level = prepare_level(write_level(tmp_path / "l.toml", f'"{mod_id}"'), lenient=not strict)
    if budget is not None:
        level.session.guard.budget_s = budget
    return level, run_level(level, until_ms=3_600_000)


# F1: an installed package's hooks in mod.py beside mod.toml load; a mod with no hooks is an error.
def test_an_installed_packages_mod_py_is_where_its_hooks_are(tmp_path, monkeypatch):
    package = tmp_path / "site" / "river_mv"
    write_mod(tmp_path / "site", "mv", OBSERVER, folder="river_mv")
    (package / "__init__.py").write_text('"""The package; its hooks are in mod.py."""\n', encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    (found,) = discover([], points=[EntryPoint("mv", "river_mv", "factory_game.mods")])
    session = ModSession(resolve([("mv", "")], [found]))
    assert session.hooks_of("mv") == ["river_observe"]


def test_a_mod_with_no_hooks_is_an_error(mods_dir):
    write_mod(mods_dir, "empty", "")
    with pytest.raises(ModError, match="implements no hook"):
        open_mods([("empty", "")])


# F7: misspelled, decorated-but-unknown and undecorated hooks are errors.
@pytest.mark.parametrize(("code", "message"), [
    ("@hookimpl\ndef rivr_price(world):\n    return 1\n" + OBSERVER, "unknown hook 'rivr_price'"),
    ("def river_price(world):\n    return 1\n", "river_price is not marked @hookimpl"),
    ("@hookimpl\ndef river_prices(world):\n    return 1\n", "did you mean river_price?"),
])
def test_hooks_that_would_never_be_called_are_errors(mods_dir, code, message):
    write_mod(mods_dir, "typo", code)
    with pytest.raises(ModError, match=message):
        open_mods([("typo", "")])


# F2: SystemExit in a hook is a named failure and exit 2, never a silent 0; Ctrl-C is 130.
def test_sys_exit_in_a_hook_is_a_named_failure_with_exit_2(mods_dir, tmp_path, capsys):
    write_mod(mods_dir, "quitter", "import sys\n@hookimpl\ndef river_price(world):\n    sys.exit(0)\n")
    level = write_level(tmp_path / "l.toml", '"quitter"')
    out_json = tmp_path / "out.json"
    assert main(["run", str(level), "--check", "--json", str(out_json)]) == EXIT_BAD_INPUT
    assert "error: mod quitter 1.0.0 failed in river_price at t=" in capsys.readouterr().err
    # F29: the part that ran is still written, marked as stopped, with the failure.
    partial = json.loads(out_json.read_text(encoding="utf-8"))
    assert partial["stopped"].startswith("mod quitter 1.0.0 failed in river_price")
    assert partial["mods"][0]["id"] == "quitter"


def test_ctrl_c_ends_with_a_short_message_and_130(mods_dir, tmp_path, capsys):
    write_mod(mods_dir, "stop", "@hookimpl\ndef river_price(world):\n    raise KeyboardInterrupt\n")
    assert main(["run", str(write_level(tmp_path / "l.toml", '"stop"'))]) == EXIT_INTERRUPTED
    assert capsys.readouterr().err.strip() == "interrupted"


# F3, F24, F25: priority keys are finite numbers of one shape.
@pytest.mark.parametrize(("key", "message"), [
    ("(float('nan'),)", "NaN and infinity break the queue order"),
    ("(math.inf, 1)", "NaN and infinity break the queue order"),
    ("(customer.priority, task.queued_at)", "a bool is not accepted in a key"),
    ("(task.queued_at,) if customer.priority else (0, task.queued_at)", "every key in a queue needs the same shape"),
    ("(task.queued_at,) if customer.priority else None", "same shape|the built-in key"),
])
def test_priority_keys_must_be_finite_and_of_one_shape(mods_dir, tmp_path, key, message):
    code = f"import math\n@hookimpl\ndef river_priority_key(customer, task):\n    return {key}\n"
    with pytest.raises(ModFailed, match=message):
        run_with(mods_dir, tmp_path, code)
    assert math  # the key expressions use it


# F4, F10: rules get read-only views; nothing they are handed can change the world.
@pytest.mark.parametrize("mutation", [
    "world.prices['image'] = 1", "customer.tasks.clear()", "world.models['sd15'].queue.clear()",
    "customer.priority = True", "customer.in_flight = 0", "task.model = 'nope'", "task.queued_at = None",
    "world.apply(None)", "world.now = 0", "world.spec = None",
])
def test_rules_cannot_change_what_they_are_handed(mods_dir, tmp_path, mutation):
    code = f"@hookimpl\ndef river_price(world, customer, task):\n    {mutation}\n"
    with pytest.raises(ModFailed, match=r"failed in river_price at t=\d+ms: (TypeError|AttributeError)"):
        run_with(mods_dir, tmp_path, code)


def test_views_read_what_the_builtin_rules_need(mods_dir, tmp_path):
    code = """
        from factory_game.api import builtin_price, builtin_priority_key, queue_length, serving_slots
        @hookimpl
        def river_price(world, customer, task):
            assert queue_length(world, task.model) >= 0 and serving_slots(world, task.model) >= 0
            assert all(t.customer_id == customer.id for t in customer.tasks)
            return builtin_price(world, customer, task)
        @hookimpl
        def river_priority_key(world, customer, task):
            return builtin_priority_key(world, customer, task)
    """
    _level, modded = run_with(mods_dir, tmp_path, code)
    plain = run_level(prepare_level(write_level(tmp_path / "plain.toml")), until_ms=3_600_000)
    assert modded.event_hash == plain.event_hash


# F5: Python's global random inside a hook is refused, by name.
def test_global_random_in_a_hook_is_a_named_failure(mods_dir, tmp_path):
    code = "import random\n@hookimpl\ndef river_price(world):\n    return random.randint(1, 100)\n"
    with pytest.raises(ModFailed, match="GlobalRandomUsed: random.randint"):
        run_with(mods_dir, tmp_path, code)


# F12: a hook that runs for ever is stopped at its time budget and named; --profile-mods prints time per hook.
def test_a_hook_that_loops_for_ever_is_stopped_and_named(mods_dir, tmp_path):
    code = "@hookimpl\ndef river_price(world):\n    while True:\n        pass\n"
    with pytest.raises(ModFailed, match="ran past its CPU-time budget of 0.2 s and was stopped"):
        run_with(mods_dir, tmp_path, code, budget=0.2)


def test_lenient_play_switches_a_runaway_hook_off(mods_dir, tmp_path):
    code = "@hookimpl\ndef river_price(world):\n    while True:\n        pass\n"  # CPU time: a sleep would not count
    level, result = run_with(mods_dir, tmp_path, code, strict=False, budget=0.1)
    assert [f.hook for f in level.session.failures] == ["river_price"]
    assert result.mods["mod_failures"][0]["switched_off"] is True


def test_profile_mods_prints_time_per_mod_and_hook(mods_dir, tmp_path, capsys):
    write_mod(mods_dir, "pricey", "@hookimpl\ndef river_price(world):\n    return None\n")
    assert main(["run", str(write_level(tmp_path / "l.toml", '"pricey"')), "--until", "30m", "--profile-mods"]) == 0
    err = capsys.readouterr().err
    assert "pricey" in err and "river_price" in err and "per call" in err


# F9, F13, F14, F15: registered models are checked like level keys, one root cause each.
@pytest.mark.parametrize(("model", "message"), [
    ('ModelSpec("m", ("image",), 2, None)', "service expected a Dist of milliseconds"),
    ('ModelSpec("m", ("image",), 2.5, Dist.fixed(MINUTE))', "slots expected an int from 0 to 500"),
    ('ModelSpec("m", ("image",), 100000, Dist.fixed(MINUTE))', "slots expected an int from 0 to 500"),
    ('ModelSpec("m", ("image",), 2, Dist.fixed(MINUTE), slot_cost_cents=-500)', "slot_cost_cents expected whole cents"),
    ('ModelSpec("m", ("image",), 2, Dist.fixed(MINUTE), retries=-3)', "retries expected an int from 0 to 10"),
    ('ModelSpec("m", ("image",), 2, Dist.fixed(MINUTE), lead_time_ms=-60000)', "lead_time_ms expected whole milli"),
    ('ModelSpec("m", ("image",), 2, Dist.exponential(5))', "mean of at least 1000"),
    ('ModelSpec("m", "image", 2, Dist.fixed(MINUTE))', "content expected a tuple of content type ids"),
])
def test_registered_models_are_checked_like_level_keys(mods_dir, model, message):
    write_mod(mods_dir, "pm", f"""
        from factory_game.api import MINUTE, Dist, ModelSpec, Provider
        @hookimpl
        def river_register_providers(register):
            register(Provider("p", {{"en": "P", "zh-CN": "P"}}, ({model},)))
    """)
    with pytest.raises(ModError) as caught:
        open_mods([("pm", "")])
    assert len(caught.value.problems) == 1 and message in caught.value.problems[0]


def test_an_unknown_icon_name_is_an_error(mods_dir):
    write_mod(mods_dir, "ic", """
        from factory_game.api import ContentSpec
        @hookimpl
        def river_register_content(register):
            register(ContentSpec("sparkle", 100, {"en": "S", "zh-CN": "S"}, icon="sparkles"))
    """)
    with pytest.raises(ModError, match="one of the built-in icons image, video, audio, text"):
        open_mods([("ic", "")])


# F11, F23: a broken manifest is reported as itself, not as "not installed"; a near miss gets a did-you-mean.
def test_a_manifest_typo_is_named_where_the_level_asks_for_the_mod(mods_dir, tmp_path):
    folder = write_mod(mods_dir, "tm", OBSERVER)
    manifest = folder / "mod.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("version", "verison", 1), encoding="utf-8")
    with pytest.raises(LevelError) as caught:
        prepare_level(write_level(tmp_path / "l.toml", '"tm"'))
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "needs mod tm, whose manifest has a problem" in text and "verison" in text
    assert "not installed" not in text


def test_a_misspelled_mod_id_gets_a_did_you_mean(mods_dir, tmp_path):
    write_mod(mods_dir, "musicvideo", OBSERVER)
    with pytest.raises(LevelError, match="did you mean 'musicvideo'"):
        prepare_level(write_level(tmp_path / "l.toml", '"musicvidoe"'))


# F16: a folder copy wins over the installed package with the same id.
def test_a_folder_mod_shadows_the_installed_package(mods_dir, tmp_path, monkeypatch):
    write_mod(tmp_path / "site", "dev", OBSERVER, folder="river_dev", version="0.1.0")
    (tmp_path / "site" / "river_dev" / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    write_mod(mods_dir, "dev", OBSERVER, version="0.2.0")
    found = discover([mods_dir], points=[EntryPoint("dev", "river_dev", "factory_game.mods")])
    (chosen,) = resolve([("dev", "")], found)
    assert chosen.manifest.version == "0.2.0"
    assert [info.shadowed_by is not None for info in found] == [False, True]


# F17: a mod imports the mods it depends on.
def test_a_mod_imports_its_dependency(mods_dir):
    write_mod(mods_dir, "base-lib", "SHARED = 42\n" + OBSERVER)
    write_mod(mods_dir, "top", "from river_mods import base_lib\nANSWER = base_lib.SHARED\n" + OBSERVER,
              deps={"base-lib": ""})
    session = open_mods([("top", "")])
    assert session.mods[-1].plugin.ANSWER == 42


# F8: a rule another mod shadows is said before the run.
def test_a_shadowed_rule_is_noted(mods_dir):
    write_mod(mods_dir, "a-price", "@hookimpl\ndef river_price(world):\n    return None\n")
    write_mod(mods_dir, "b-price", "@hookimpl\ndef river_price(world):\n    return None\n")
    session = open_mods([("a-price", ""), ("b-price", "")])
    assert session.notes == ["river_price: mod b-price 1.0.0 and mod a-price 1.0.0 both take this rule; mod b-price "
                             "1.0.0 is asked first and its answer wins, mod a-price 1.0.0 only when it answers None "
                             "(the mod later in the level's mods list wins; reorder the list, or mark a hook "
                             "@hookimpl(tryfirst=True), to choose; river_adjust_price composes)"]
    assert session.shadowed == [("river_price", "b-price", ["a-price"])]


# F6: the JSON summary names each mod, its version and a hash of its files.
def test_a_run_records_its_mods(mods_dir, tmp_path, capsys):
    write_mod(mods_dir, "rec", OBSERVER, version="1.2.3")
    assert main(["run", str(write_level(tmp_path / "l.toml", '"rec"')), "--until", "10m", "--json", "-"]) == EXIT_OK
    (mod,) = json.loads(capsys.readouterr().out)["mods"]
    assert (mod["id"], mod["version"], len(mod["sha256"])) == ("rec", "1.2.3", 64)


# F27: an unknown top-level table is named with its line, as any level key.
def test_an_unknown_top_level_table_has_its_line(tmp_path, capsys):
    level = tmp_path / "settings-try.toml"
    level.write_text(write_level(tmp_path / "base.toml").read_text(encoding="utf-8") + "\n[modz.musicvideo]\nx = 1\n",
                     encoding="utf-8")
    assert main(["validate", str(level)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    line = level.read_text(encoding="utf-8").splitlines().index("[modz.musicvideo]") + 1
    assert f"settings-try.toml:{line}: [modz] expected a known key (did you mean 'models'?)" in err


# Review row 5a: setting an attribute on a task, customer or model view says it is read-only, as the world does.
@pytest.mark.parametrize("mutation, what", [("task.price_cents = 1", "a task"), ("customer.tier = 'L3'", "a customer"),
                                            ("world.models['sd15'].busy = 0", "a model")])
def test_every_view_says_it_is_read_only(mods_dir, tmp_path, mutation, what):
    code = f"@hookimpl\ndef river_price(world, customer, task):\n    {mutation}\n"
    with pytest.raises(ModFailed, match=f"{what} is read-only to mods"):
        run_with(mods_dir, tmp_path, code)


# A view's private fields are out of reach: `view._of` (the simulation's object) names the mod and hook that tried.
@pytest.mark.parametrize("read, what", [("task._of", "a task"), ("customer._of.tier", "a customer"),
                                        ("world._of.apply", "the world"), ("world.market._of", "the market"),
                                        ("world.models['sd15']._of", "a model"), ("world._models", "the world")])
def test_a_private_field_of_a_view_is_refused_naming_the_mod(mods_dir, tmp_path, read, what):
    code = f"@hookimpl\ndef river_price(world, customer, task):\n    {read}\n"
    with pytest.raises(ModFailed, match=f"mod m 1.0.0 failed in river_price .*PrivateField: mod m \\(river_price\\) "
                                        f"read {what}'s private field '_"):
        run_with(mods_dir, tmp_path, code)


def test_public_fields_still_read_and_getattr_with_a_default_still_works(mods_dir, tmp_path):
    code = ("@hookimpl\ndef river_price(world, customer, task):\n"
            "    assert world.models['sd15'].spec.names['en'] and task.content == 'image' and customer.tier\n"
            "    return getattr(task, 'colour', None)\n")
    level, result = run_with(mods_dir, tmp_path, code)
    assert result.summary["overall"]["completed"] > 0 and level.session.failures == []


# A model's (and a content type's) names cannot be changed through what a mod is handed: one spec serves every world.
@pytest.mark.parametrize("change", ["world.spec.models[0].names['en'] = 'Mine'", "world.spec.content[0].names.clear()",
                                    "world.models['sd15'].spec.names.update(en='Mine')"])
def test_a_specs_names_are_frozen(mods_dir, tmp_path, change):
    code = f"@hookimpl\ndef river_price(world):\n    {change}\n"
    with pytest.raises(ModFailed, match="mod m 1.0.0 failed in river_price .*TypeError: a spec's names are read-only"):
        run_with(mods_dir, tmp_path, code)
    assert prepare_level(tmp_path / "l.toml").spec.models[0].names["en"] != "Mine"
