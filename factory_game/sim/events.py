"""What happens in the world, as typed events for subscribers (metrics views, the JSONL log, the game, mods).

Events are built only when someone listens, so a headless run with no subscriber pays nothing for them.
The event log's hash is the fingerprint of a run: same level, seed and commands give the same hash anywhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from enum import StrEnum
from json.encoder import encode_basestring
from types import SimpleNamespace
from typing import IO, Any, NamedTuple, Protocol, cast


class Kind(StrEnum):
    ARRIVE = "arrive"  # a customer arrives (or comes back) with a demand
    ADMIT = "admit"  # a task passes the tier cap and its price is held
    LOST_SALE = "lost_sale"  # a task could not be admitted: the budget could not cover the hold
    QUEUE = "queue"  # a task enters a model's queue
    START = "start"  # a task starts at a station (slot)
    FINISH = "finish"  # a task succeeds
    FAIL = "fail"  # a task fails (upstream error or outage)
    RETRY = "retry"  # a failed task goes back to the queue, its hold kept
    PROMPT = "prompt"  # River asks a customer whether they still want to wait
    ANSWER = "answer"  # the customer's answer (ok: True for yes)
    ABANDON = "abandon"  # a queued or waiting task leaves after a "no"
    LEAVE = "leave"  # a customer leaves (ok: True if happy, False if angry)
    HOLD = "hold"
    CAPTURE = "capture"
    RELEASE = "release"
    UPSTREAM_COST = "upstream_cost"  # River pays a model supplier (contracted or rented slots)
    RENT = "rent"  # rented slots ordered
    SLOT_ARRIVE = "slot_arrive"
    SLOT_LEAVE = "slot_leave"
    SLOT_DOWN = "slot_down"  # an outage takes a slot down
    SLOT_UP = "slot_up"
    COMMAND = "command"  # an outside change went through World.apply (info: source:command; ok; reason if refused)
    INCIDENT = "incident"  # an incident opens (info id:kind:deadline), is answered (id:kind:choice, ok: the
    # player's) or pays out (id:kind:bonus|penalty, cents): sim/incidents.py


# The Kind members themselves, as plain attributes, for the simulation's hot path: reading `Kind.X` goes through the
# enum class and costs about four times as much, which showed when every event is built (8 per task).
FAST_KIND = SimpleNamespace(**Kind.__members__)


class Event(NamedTuple):
    """One thing that happened. A named tuple: immutable and cheap to build on the hot path.

    `ok` is the yes/no of the events that have one, typed so nobody parses a string: a command carried out or
    refused (COMMAND, with the refusal's `reason`), the customer's answer to the wait prompt (ANSWER: yes), the
    mood of a leaving customer (LEAVE: happy). None on every other kind."""

    time: int
    kind: Kind
    customer: int | None = None
    task: int | None = None
    model: str | None = None
    slot: int | None = None
    cents: int | None = None
    info: str | None = None
    ok: bool | None = None
    reason: str | None = None  # why a command was refused

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"t": self.time, "kind": str(self.kind)}
        for key in ("customer", "task", "model", "slot", "cents", "info", "ok", "reason"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


def event_line(event: Event) -> str:
    """Canonical JSON: keys sorted, no spaces; the same text as
    `json.dumps(event.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)`, built faster:
    by the line builder made for the event's kind (see `_shaped_line_builder`), or by `any_event_line`."""
    return _LINE_BUILDERS.get(event[1], _learn_kind)(event)


def any_event_line(event: Event) -> str:
    """`event_line` for an event of any shape (the fallback of the shaped builders).

    Strings go through `encode_basestring`, the very function `json.dumps` uses when `ensure_ascii=False`, without
    building an encoder per call; `kind._value_` is the plain attribute behind the slower `kind.value` property."""
    time, kind, customer, task, model, slot, cents, info, ok, reason = event
    return "".join((
        "{" if cents is None else f'{{"cents":{cents},',
        "" if customer is None else f'"customer":{customer},',
        "" if info is None else f'"info":{encode_basestring(info)},',
        f'"kind":"{kind._value_}"',
        "" if model is None else f',"model":{encode_basestring(model)}',
        "" if ok is None else (',"ok":true' if ok else ',"ok":false'),
        "" if reason is None else f',"reason":{encode_basestring(reason)}',
        "" if slot is None else f',"slot":{slot}',
        f',"t":{time}',
        "}" if task is None else f',"task":{task}}}',
    ))


# kind -> a function giving the line of an event of that kind, written for the fields the first event of the kind had
_LINE_BUILDERS: dict[Kind, Callable[[Event], str]] = {}
_FIELDS = Event._fields
_JSON_ORDER = sorted(range(len(_FIELDS)), key=lambda i: "t" if _FIELDS[i] == "time" else _FIELDS[i])
_STRINGS = frozenset(("model", "info", "reason"))


def _learn_kind(event: Event) -> str:
    """The first event of a kind: make the kind's line builder, keep it, and use it."""
    build = _LINE_BUILDERS[event.kind] = _shaped_line_builder(event)
    return build(event)


def _shaped_line_builder(event: Event) -> Callable[[Event], str]:
    """A function giving `any_event_line(e)` for every event `e` of this event's kind, fast for those with the same
    fields set (None or not), which is every event of a kind but COMMAND: one f-string with the keys and the kind
    written in, behind one test of which fields are set; any other shape goes to `any_event_line`.

    Generated code, because one f-string per shape is what makes it fast (a line costs about three quarters of
    `any_event_line`'s); tests/test_determinism.py checks it against `json.dumps` on events of any shape."""
    kind = event.kind._value_
    tests, pieces = [], []
    for i in _JSON_ORDER:
        name = _FIELDS[i]
        value = event[i]
        if name == "kind":
            pieces.append('"kind":' + encode_basestring(kind).replace("{", "{{").replace("}", "}}"))
        elif name == "time":
            pieces.append('"t":{time}')
        elif value is None:
            tests.append(f"{name} is None")
        elif name == "ok":
            tests.append("ok is not None")
            pieces.append("{_OK[not ok]}")
        elif name in _STRINGS:
            tests.append(f"{name} is not None")
            pieces.append(f'"{name}":{{_encode({name})}}')
        else:
            tests.append(f"{name} is not None")
            pieces.append(f'"{name}":{{{name}}}')
    source = (
        "def line(event):\n"
        f"    {', '.join(_FIELDS)} = event\n"
        f"    if {' and '.join(tests)}:\n"
        f"        return f'{{{{{','.join(pieces)}}}}}'\n"
        "    return any_event_line(event)\n"
    )
    namespace = {"_encode": encode_basestring, "_OK": _OK_JSON, "any_event_line": any_event_line}
    exec(source, namespace)  # noqa: S102 - the source is built above from the field names alone
    return cast("Callable[[Event], str]", namespace["line"])


_OK_JSON = {False: '"ok":true', True: '"ok":false'}  # by `not ok`: any_event_line goes by truth too


class EventLog:
    """Subscriber that hashes every event (SHA-256 over canonical JSON lines) and optionally writes JSONL.

    Lines are hashed in batches: hashing one long string is much cheaper than many short ones, and gives the
    same digest."""

    BATCH = 4096

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._hash = hashlib.sha256()
        self._stream = stream
        self._pending: list[str] = []
        self._flushed = 0  # lines hashed so far

    @property
    def count(self) -> int:
        """Events seen so far."""
        return self._flushed + len(self._pending)

    def __call__(self, event: Event) -> None:
        pending = self._pending
        pending.append(_LINE_BUILDERS.get(event[1], _learn_kind)(event))  # `event_line`, one call less
        if len(pending) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            text = "\n".join(self._pending) + "\n"
            self._flushed += len(self._pending)
            self._pending.clear()
            self._hash.update(text.encode())
            if self._stream is not None:
                self._stream.write(text)

    def close(self) -> None:
        """Write out what is buffered (the digest does this too)."""
        self._flush()
        if self._stream is not None:
            self._stream.flush()

    def hexdigest(self) -> str:
        self._flush()
        return self._hash.hexdigest()


class Emitter(Protocol):
    """The world's publishing kernel, as the simulation's parts see it: `listeners` (test it before building an
    event: an unheard event costs nothing) and `emit`, which builds the event at the current time and hands it to
    each listener in order."""

    @property
    def listeners(self) -> list[Callable[[Event], None]]: ...

    def emit(self, kind: Kind, customer: int | None = None, task: int | None = None, model: str | None = None,
             slot: int | None = None, cents: int | None = None, info: str | None = None, ok: bool | None = None,
             reason: str | None = None) -> None: ...
