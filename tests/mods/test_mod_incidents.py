"""Mod incident kinds (river_register_incidents): a mod registers a kind with its choices, default, deadline, words in
both languages and its draw/start/answer; a level enables it as `<mod>/<name>` in `[incidents] rates`. The sizes come
from the world's incidents stream, the effects through commands recorded as the mod's, failures are named.
mods/trends's `influencer` on levels/mods/influencer-day.toml."""

import json

import pytest

from factory_game.level import LevelError
from factory_game.plugins import prepare_level
from factory_game.plugins.errors import ModFailed
from factory_game.runner import load_commands, run_level
from factory_game.sim.commands import AnswerIncident
from factory_game.sim.events import Kind
from tests.mods.helpers import write_level, write_mod

LEVEL = "levels/mods/influencer-day.toml"
MINUTE = 60_000


def influencer_schedule(seed):
    world = prepare_level(LEVEL).start(seed=seed)
    return [(i.at_ms, i.params) for i in world.incidents.schedule if i.kind == "trends/influencer"]


def test_the_level_draws_the_mods_kind_from_the_incidents_stream():
    first = influencer_schedule(31)
    assert first and first == influencer_schedule(31)  # seeded: the same sizes every time
    assert first != influencer_schedule(32)  # and they vary by seed
    for _at, params in first:
        assert 3 <= params["customers"] <= 6 and 30 * MINUTE <= params["duration_ms"] <= 60 * MINUTE


def test_an_incident_of_a_mod_opens_and_its_answer_acts_as_the_mods_commands():
    level = prepare_level(LEVEL)
    world = level.start()
    opened = []
    world.subscribe(lambda e: opened.append(e.info) if e.kind == Kind.INCIDENT else None)
    incident = next(i for i in world.incidents.schedule if i.kind == "trends/influencer")
    world.run(incident.at_ms)
    assert world.incidents.open_now() == [incident]
    assert incident.choices == ("feature", "decline") and incident.default == "decline"
    assert opened == [f"{incident.id}:trends/influencer:{incident.deadline_ms}"]
    record = world.apply(AnswerIncident(incident.id, "nonsense"))
    assert not record.ok and "feature, decline" in record.reason
    world.apply(AnswerIncident(incident.id, "feature"))
    arrivals = [r for r in world.commands if r.source == "mod:trends"]
    assert len(arrivals) == incident.params["customers"] and all(r.ok for r in arrivals)
    assert all(r.command.contents == ("image",) * incident.params["tasks"] for r in arrivals)
    assert opened[-1] == f"{incident.id}:trends/influencer:feature"


def test_unanswered_it_takes_its_default_and_a_replay_is_exact(tmp_path):
    result = run_level(prepare_level(LEVEL))
    mods_kind = [i for i in result.world.incidents.opened.values() if i.kind == "trends/influencer"]
    assert mods_kind and all((i.choice, i.by) == ("decline", "default") for i in mods_kind)
    incident = next(i for i in prepare_level(LEVEL).start().incidents.schedule if i.kind == "trends/influencer")
    played = [(incident.at_ms + MINUTE, AnswerIncident(incident.id, "feature"))]
    featured = run_level(prepare_level(LEVEL), commands=played)
    assert featured.event_hash != result.event_hash
    path = tmp_path / "run.json"
    path.write_text(json.dumps(featured.to_json()), encoding="utf-8")
    replayed = load_commands(str(path))
    assert [c.name for _t, c in replayed] == ["answer_incident"]  # the mod's arrivals are derived, not replayed
    assert run_level(prepare_level(LEVEL), commands=replayed).event_hash == featured.event_hash


@pytest.mark.parametrize(("rates", "says"), [
    ('{ "trends/influencr" = 0.5 }', "trends/influencer"),  # did you mean
    ('{ "surge-pricing/storm" = 0.5 }', "mod 'surge-pricing' is not in its `mods`"),
    ('{ "trends/influencer" = 99 }', "onsets per hour from 0 to 60"),
])
def test_a_bad_rate_is_named_like_a_level_key(tmp_path, rates, says):
    text = open(LEVEL, encoding="utf-8").read().replace('{ "trends/influencer" = 0.6, rush_batch = 0.2 }', rates)
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LevelError) as caught:
        prepare_level(path)
    assert "incidents.rates" in str(caught.value) and says in str(caught.value), str(caught.value)


KIND = """
from factory_game.api import MINUTE, ModIncident, SetPrice

TEXTS = {{"title": {{"en": "Ping", "zh-CN": "提示"}}, "body": {{"en": "Ping {{n}}", "zh-CN": "提示 {{n}}"}},
         "yes": {{"en": "Yes", "zh-CN": "是"}}, "no": {{"en": "No", "zh-CN": "否"}}}}


def draw(rng):
    {draw}


def start(world):
    {start}


def answer(world, choice, params):
    {answer}


@hookimpl
def river_register_incidents(register):
    register(ModIncident("ping", ("yes", "no"), "no", 5 * MINUTE, {texts}, draw=draw, answer=answer, start=start))
"""


def ping_level(mods_dir, mod_id="pinger", draw="return {'n': rng.randint(1, 9)}", start="return None",
               answer="return None", texts="TEXTS"):
    write_mod(mods_dir, mod_id, KIND.format(draw=draw, start=start, answer=answer, texts=texts))
    level = write_level(mods_dir.parent / f"{mod_id}.toml", f'"{mod_id}"')
    with open(level, "a", encoding="utf-8") as file:
        file.write(f'\n[incidents]\nfirst_after = "5m"\ngap = "5m"\nrates = {{ "{mod_id}/ping" = 6 }}\n')
    return level


def test_the_onset_may_act_too(mods_dir):
    world = prepare_level(ping_level(mods_dir, start="return [SetPrice('image', 777)]")).start()
    first = world.incidents.schedule[0]
    world.run(first.at_ms)
    assert world.prices["image"] == 777
    assert [(r.time, r.source) for r in world.commands] == [(first.at_ms, "mod:pinger")]


@pytest.mark.parametrize(("part", "code", "says"), [
    ("answer", "return 1 / 0", "incident pinger/ping answer at t=.*ZeroDivisionError"),
    ("answer", "return 'rent'", "incident pinger/ping answer at t=.*expected None or a list of commands"),
    ("start", "raise RuntimeError('boom')", "incident pinger/ping start at t=.*RuntimeError: boom"),
    ("draw", "return {'m': 1}", "incident pinger/ping draw: .*the body's text names n"),
    ("draw", "return [1]", "incident pinger/ping draw: .*expected None or a dict"),
])
def test_a_failing_part_is_named_with_the_mod_and_its_version(mods_dir, part, code, says):
    path = ping_level(mods_dir, **{part: code})
    with pytest.raises(ModFailed, match=f"mod pinger 1.0.0 failed in {says}"):
        run_level(prepare_level(path))


def test_a_lenient_run_switches_the_mod_off_and_the_incident_still_closes(mods_dir):
    level = prepare_level(ping_level(mods_dir, answer="return 1 / 0"), lenient=True)
    result = run_level(level)
    assert [f.hook for f in level.session.failures] == ["incident pinger/ping answer"]
    assert result.summary["overall"]["completed"] > 0
    assert all(i.choice == "no" for i in result.world.incidents.opened.values())


@pytest.mark.parametrize(("texts", "says"), [
    ('{**TEXTS, "no": {"en": "No"}}', "texts['no'] expected words in zh-CN and en"),
    ('{k: v for k, v in TEXTS.items() if k != "body"}', "texts expected exactly title, body, yes, no; missing body"),
])
def test_a_kind_without_its_words_in_both_languages_does_not_load(mods_dir, texts, says):
    with pytest.raises(LevelError, match=f"pinger.*incident kind 'ping': {says}".replace("[", r"\[")):
        prepare_level(ping_level(mods_dir, texts=texts))


def test_a_bad_registration_names_each_problem(mods_dir):
    code = """
    from factory_game.api import ModIncident

    @hookimpl
    def river_register_incidents(register):
        register(ModIncident("Bad Name", ("go",), "stay", 0, {}, draw=lambda world: {}, answer=print))
        register("ping")
    """
    write_mod(mods_dir, "broken", code)
    level = write_level(mods_dir.parent / "broken.toml", '"broken"')
    with pytest.raises(LevelError) as caught:
        prepare_level(level)
    message = str(caught.value)
    for says in ("name expected lowercase", "default expected one of its choices (go); found 'stay'",
                 "deadline_ms expected whole milliseconds", "draw takes world, which is not offered",
                 "expected a ModIncident; found 'ping'"):
        assert says in message, message


def test_the_card_and_alerts_read_a_mods_words_in_each_language(mods_dir):
    from factory_game.game.incident_words import incident_words

    class Lang:
        def __init__(self, lang):
            self.lang = lang

        def pick(self, by_lang, fallback=""):
            return by_lang[self.lang]

        def t(self, key, **values):
            return f"<{key}>"

    world = prepare_level(ping_level(mods_dir)).start()
    assert incident_words(Lang("zh-CN"), world, "pinger/ping") == "提示"
    assert incident_words(Lang("en"), world, "pinger/ping", "body", n=4) == "Ping 4"
    assert incident_words(Lang("zh-CN"), world, "pinger/ping", "yes") == "是"
    assert incident_words(Lang("en"), world, "rush_batch", "accept") == "<incident.rush_batch_accept>"
