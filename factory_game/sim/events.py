"""What happens in the world, as typed events for subscribers (metrics views, the JSONL log, the game, mods).

Events are built only when someone listens, so a headless run with no subscriber pays nothing for them.
The event log's hash is the fingerprint of a run: same level, seed and commands give the same hash anywhere.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from enum import StrEnum
from json.encoder import encode_basestring
from types import SimpleNamespace
from typing import IO, Any, Final, NamedTuple, Protocol, cast


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


# The fingerprint's record of one event (`EventLog`): a header, the integers and the strings' lengths, little-endian.
# Header: the kind's code (its position in `Kind`: new kinds go at the end) << 16, and one bit per field that is set
# (customer 1, task 2, slot 4, cents 8, model 16, info 32, reason 64; ok 128 for True, 256 for False). Integer fields
# that are not set are 0, lengths (in code points) of strings that are not set 0.
_RECORD = struct.Struct("<IqqqqqIII")
_PACK_RECORD: Final = _RECORD.pack
FINGERPRINT_BATCH: Final = 4096  # events a batch: part of the fingerprint's definition
_KIND_HEADER: Final[dict[int, int]] = {id(kind): code << 16 for code, kind in enumerate(Kind)}  # by identity: an
# enum's own hash is Python code, several times a dict lookup by `id`


class EventLog:
    """Subscriber that fingerprints every event (SHA-256 over a compact binary record per event) and, given a stream,
    writes it as a canonical JSON line (`event_line`).

    The fingerprint is a run's identity (`event_log_sha256`): the same level, seed and commands give the same digest
    anywhere, pure or compiled. Events are taken in batches of `FINGERPRINT_BATCH` (the last one shorter); each batch
    adds to the hash its records (`_RECORD`, 56 bytes an event, in order), then its strings (model, info, reason of
    each event in order) joined and encoded as UTF-8: the records' lengths say where each string ends, so two
    different logs never give the same bytes. Binary rather than JSON text, because formatting a line cost more than
    all the rest of an event's way (docs/performance.md); the JSON lines are made only for a stream (`run --events`),
    which is what `factory-game diff` and `check-mod` read to name the first event that differs."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._hash = hashlib.sha256()
        self._stream = stream
        self._records: list[bytes] = []
        self._strings: list[str] = []
        self._lines: list[str] = []  # JSON lines not yet written, when there is a stream
        self._flushed = 0  # events hashed so far

    @property
    def count(self) -> int:
        """Events seen so far."""
        return self._flushed + len(self._records)

    def __call__(self, event: Event) -> None:
        time, kind, customer, task, model, slot, cents, info, ok, reason = event
        self.record(time, kind, customer, task, model, slot, cents, info, ok, reason, event)

    def record(self, time: int, kind: Kind, customer: int | None, task: int | None, model: str | None,
               slot: int | None, cents: int | None, info: str | None, ok: bool | None, reason: str | None,
               event: Event | None = None) -> None:
        """An event by its fields: what the world calls when this log is its only listener, so no `Event` is built
        (`event`, when there is one, saves building it again for the JSON line)."""
        if self._stream is not None:
            if event is None:
                event = Event(time, kind, customer, task, model, slot, cents, info, ok, reason)
            self._lines.append(_LINE_BUILDERS.get(kind, _learn_kind)(event))  # `event_line`, one call less
        header = _KIND_HEADER[id(kind)]
        if customer is None:
            customer = 0
        else:
            header |= 1
        if task is None:
            task = 0
        else:
            header |= 2
        if slot is None:
            slot = 0
        else:
            header |= 4
        if cents is None:
            cents = 0
        else:
            header |= 8
        model_length = info_length = reason_length = 0
        if model is not None:
            header |= 16
            model_length = len(model)
            self._strings.append(model)
        if info is not None:
            header |= 32
            info_length = len(info)
            self._strings.append(info)
        if reason is not None:
            header |= 64
            reason_length = len(reason)
            self._strings.append(reason)
        if ok is not None:
            header |= 128 if ok else 256
        records = self._records
        records.append(_PACK_RECORD(header, time, customer, task, slot, cents, model_length, info_length,
                                    reason_length))
        if len(records) >= FINGERPRINT_BATCH:
            self._hash_batch()
            self._write_lines()

    def pending_bytes(self) -> bytes:
        """What the batch gathered so far adds to the hash: its records, then its strings in UTF-8."""
        return b"".join(self._records) + "".join(self._strings).encode()

    def _hash_batch(self) -> None:
        """Hash a full batch. Only here: a digest taken in between hashes a copy, so the hash is a function of the
        events alone, whenever it is read."""
        self._flushed += len(self._records)
        self._hash.update(self.pending_bytes())
        self._records.clear()
        self._strings.clear()

    def _write_lines(self) -> None:
        if self._lines and self._stream is not None:
            self._stream.write("\n".join(self._lines) + "\n")
            self._lines.clear()

    def close(self) -> None:
        """Write out the JSON lines still buffered (the digest does this too)."""
        self._write_lines()
        if self._stream is not None:
            self._stream.flush()

    def hexdigest(self) -> str:
        """The fingerprint of the events so far (the run goes on unchanged: the batch in progress is hashed into a
        copy)."""
        self._write_lines()
        digest = self._hash.copy()
        digest.update(self.pending_bytes())
        return digest.hexdigest()


class Emitter(Protocol):
    """The world's publishing kernel, as the simulation's parts see it: `listeners` (test it before building an
    event: an unheard event costs nothing) and `emit`, which builds the event at the current time and hands it to
    each listener in order."""

    @property
    def listeners(self) -> list[Callable[[Event], None]]: ...

    def emit(self, kind: Kind, customer: int | None = None, task: int | None = None, model: str | None = None,
             slot: int | None = None, cents: int | None = None, info: str | None = None, ok: bool | None = None,
             reason: str | None = None) -> None: ...
