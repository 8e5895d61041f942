"""A request log's row in level terms (level/trace.py's _Converter): the refusals name file, line, field, what the
level has and what the row said; the one model of a level serves rows that name nothing."""

from __future__ import annotations

import pytest

from factory_game.level.trace import _Converter
from factory_game.trace.reader import Row, TraceError
from factory_game.trace.service import Throughput

SPEEDS = {"sd15": Throughput(100.0, 10.0), "llm": Throughput(1000.0, 50.0)}


def _convert(route=None, **fields):
    route = route if route is not None else {"image": "sd15", "text": "llm"}
    converter = _Converter("log.csv", 100.0, {"L2", "L1"}, route, {"sd15": "image", "llm": "text"}, SPEEDS,
                           batched=set())  # no batched model: every request timed by its throughput
    return converter(Row(7, **fields))


@pytest.mark.parametrize("fields, message", [
    ({"t": 98.5}, "log.csv:7: [timestamp] expected a time at or after the level's start; found 1.500 s before it"),
    ({"t": 100.0, "tier": "L9"}, "log.csv:7: [tier] expected a tier of the level (L1, L2); found 'L9'"),
    ({"t": 100.0, "content": "video"},
     "log.csv:7: [content] expected a content type a model serves (image, text); found 'video'"),
    ({"t": 100.0, "model": "gpt"}, "log.csv:7: [model] expected a model of the level (sd15, llm); found 'gpt'"),
])
def test_a_row_the_level_cannot_take_is_refused_naming_file_line_field_and_value(fields, message):
    """Before the start, an unknown tier, content type or model: one TraceError in the level problems' shape."""
    with pytest.raises(TraceError) as caught:
        _convert(**fields)
    assert str(caught.value) == message
    assert (caught.value.file, caught.value.line) == ("log.csv", 7)


def test_a_row_naming_nothing_goes_to_the_levels_only_model_and_otherwise_to_none():
    """With one serving model, a row without content is timed by it; with two, it is left to the level's mix."""
    one = _convert(route={"image": "sd15"}, t=101.25, output_tokens=20)
    assert (one.at_ms, one.content, one.service_ms) == (1250, None, 2000)  # 20 tokens at sd15's 10 per second
    two = _convert(t=101.25, output_tokens=20)
    assert (two.content, two.service_ms) == (None, None)  # which model would serve it is not known yet
    named = _convert(t=100.0, model="llm", output_tokens=20)
    assert (named.content, named.service_ms) == ("text", 400)
