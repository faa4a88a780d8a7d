"""The shapes a stream's state is declared with (each stream's ``state_shape``): what cleaned()
checks a --state against, and the table of docs/state.md.

A shape cleans one value: it returns what is usable of it (DROP when nothing is) and one Finding
per part it dropped or clamped. Parts are checked one by one, so that a bad part goes alone: a
campaign id key that is not an id loses that campaign's entry, not the app's ledger.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tap_ccc_campaign.config.schema import MAX_ID
from tap_ccc_campaign.state import encoding

DROP: Any = object()  # nothing of the value is usable
DAY = 86_400
# Pending values below this (unix days) are an older state's number of tries (see streams/calls.py).
FIRST_DAY = 20_000
CHECKSUM_MAX = 2**32 - 1  # zlib.crc32
_ID = re.compile(r"[1-9][0-9]*")  # as the tap writes an id: no sign, no leading zero, ASCII digits


@dataclass(frozen=True)
class Finding:
    where: str  # below the key: "[1400000000].newest"
    problem: str  # "is not an id map", "1999999999 is later than now"
    clamped: bool = False  # kept, changed to the nearest usable value; else dropped


@dataclass(frozen=True)
class Context:
    now: int  # unix seconds: no bookmark may be later


Cleaned = tuple[Any, list[Finding]]


def is_id(key: object) -> bool:
    """A key the tap writes for an SdkAppId, CampaignId or TaskId: int() gives it back, in range."""
    return isinstance(key, str) and _ID.fullmatch(key) is not None and int(key) <= MAX_ID


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Shape:
    doc = ""

    def clean(self, value: Any, ctx: Context) -> Cleaned:
        raise NotImplementedError


@dataclass(frozen=True)
class Anything(Shape):
    """Kept as it is, if it is an object: what the tap only reports, never reads back."""

    doc: str = "object"

    def clean(self, value: Any, ctx: Context) -> Cleaned:
        return (value, []) if isinstance(value, dict) else (DROP, [Finding("", "is not an object")])


@dataclass(frozen=True)
class Flag(Shape):
    doc: str = "boolean"

    def clean(self, value: Any, ctx: Context) -> Cleaned:
        return (value, []) if isinstance(value, bool) else (DROP, [Finding("", "is not a boolean")])


@dataclass(frozen=True)
class Number(Shape):
    """A non-negative integer up to ``most`` (a count, a checksum)."""

    doc: str = "count"
    most: int = MAX_ID

    def clean(self, value: Any, ctx: Context) -> Cleaned:
        if _integer(value) and 0 <= value <= self.most:
            return value, []
        return DROP, [Finding("", f"is not a {self.doc}")]


@dataclass(frozen=True)
class UnixTime(Shape):
    """Unix seconds; with ``clamp``, a bookmark: one later than now would mean nothing is read
    again until then, so it is read as now."""

    clamp: bool = True

    @property
    def doc(self) -> str:  # type: ignore[override]
        return "unix time" + (" (≤ now)" if self.clamp else "")

    def clean(self, value: Any, ctx: Context) -> Cleaned:
        if not (_integer(value) and 0 <= value <= MAX_ID):
            return DROP, [Finding("", "is not a unix time")]
        if self.clamp and value > ctx.now:
            return ctx.now, [Finding("", f"{value} is later than now; read as now ({ctx.now})", clamped=True)]
        return value, []


@dataclass(frozen=True)
class UnixDay(Shape):
    """The day (unix days) a session was first asked for: a later day than today would keep it
    from ever counting as out of reach. Values below FIRST_DAY are an older state's tries."""

    doc: str = "unix day (≤ today)"

    def clean(self, value: Any, ctx: Context) -> Cleaned:
        if not (_integer(value) and 0 <= value <= MAX_ID):
            return DROP, [Finding("", "is not a unix day")]
        today = ctx.now // DAY
        if value >= FIRST_DAY and value > today:
            return today, [Finding("", f"day {value} is later than today; read as today ({today})", clamped=True)]
        return value, []


@dataclass(frozen=True)
class Moment(Shape):
    """An RFC 3339 date-time with its offset, as the tap writes them; one later than now is read as now."""

    doc: str = "date-time (≤ now)"

    def clean(self, value: Any, ctx: Context) -> Cleaned:
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            return DROP, [Finding("", "is not a date-time with a UTC offset")]
        if moment.timestamp() > ctx.now:
            now = datetime.fromtimestamp(ctx.now, UTC).isoformat(timespec="seconds")
            return now, [Finding("", f"{value} is later than now; read as now ({now})", clamped=True)]
        return value, []


@dataclass(frozen=True)
class Encoded(Shape):
    """An id set (encoding.encode) or, with ``pairs``, an id map (encode_map; an id set reads as one)."""

    pairs: bool = False

    @property
    def doc(self) -> str:  # type: ignore[override]
        return "id map" if self.pairs else "id set"

    @property
    def refusal(self) -> str:
        return f"is not an {self.doc}"

    def decode(self, value: str) -> None:
        """Raise ValueError unless ``value`` is what the tap writes."""
        if self.pairs:
            for _ in encoding.decode_pairs(value):
                pass
        else:
            encoding.decode(value)

    def clean(self, value: Any, ctx: Context) -> Cleaned:
        try:
            if not isinstance(value, str):
                raise ValueError
            self.decode(value)
        except ValueError:
            return DROP, [Finding("", self.refusal)]
        return value, []


@dataclass(frozen=True)
class Checksums(Encoded):
    """32-bit checksums in order (encoding.encode_checksums)."""

    @property
    def doc(self) -> str:  # type: ignore[override]
        return "checksums (4 bytes each)"

    @property
    def refusal(self) -> str:
        return "is not a list of checksums"

    def decode(self, value: str) -> None:
        encoding.decode_checksums(value)


@dataclass(frozen=True)
class Key:
    """What a map's keys are: ids (SdkAppId, CampaignId, TaskId, SkillGroupId) or any text."""

    name: str
    ids: bool
    article: str = "a"

    def fits(self, key: str) -> bool:
        return is_id(key) if self.ids else bool(key)


APP = Key("SdkAppId", ids=True, article="an")
CAMPAIGN = Key("CampaignId", ids=True)
TASK = Key("TaskId", ids=True)
MAIL = Key("agent e-mail", ids=False, article="an")
SESSION = Key("SessionId", ids=False)


@dataclass(frozen=True)
class Map(Shape):
    """An object from ``key`` to ``value``, each entry kept or dropped alone."""

    key: Key
    value: Shape

    @property
    def doc(self) -> str:  # type: ignore[override]
        return f"{self.key.name} → {self.value.doc}"

    def clean(self, value: Any, ctx: Context) -> Cleaned:
        if not isinstance(value, dict):
            return DROP, [Finding("", f"is not a map of {self.key.name} to values")]
        misfits = [
            Finding(f"[{k!r}]", f"is not {self.key.article} {self.key.name}") for k in value if not self.key.fits(k)
        ]
        # An id as the tap writes it; text quoted.
        fitting = [(k if self.key.ids else repr(k), k, v) for k, v in value.items() if self.key.fits(k)]
        kept, findings = _each(self.value, fitting, ctx)
        return dict(kept), misfits + findings


@dataclass(frozen=True)
class Chunks(Shape):
    """A list of ``item``, each kept or dropped alone."""

    item: Shape

    def clean(self, value: Any, ctx: Context) -> Cleaned:
        if not isinstance(value, list):
            return DROP, [Finding("", "is not a list")]
        kept, findings = _each(self.item, [(str(i), i, v) for i, v in enumerate(value)], ctx)
        return [good for _, good in kept], findings

    @property
    def doc(self) -> str:  # type: ignore[override]
        return f"list of {self.item.doc}"


def _each(shape: Shape, parts: list[tuple[str, Any, Any]], ctx: Context) -> tuple[list[tuple[Any, Any]], list[Finding]]:
    """(label, key, value) parts cleaned one by one by ``shape``: (key, what is kept) of those kept,
    and each finding placed under its label."""
    kept: list[tuple[Any, Any]] = []
    findings: list[Finding] = []
    for label, key, inner in parts:
        good, found = shape.clean(inner, ctx)
        findings.extend(Finding(f"[{label}]{f.where}", f.problem, f.clamped) for f in found)
        if good is not DROP:
            kept.append((key, good))
    return kept, findings


@dataclass(frozen=True)
class Record(Shape):
    """An object of named fields. Without a ``required`` field the whole object means nothing and
    goes; a field of ``needs`` goes with the field it needs when that one was given and dropped."""

    fields: dict[str, Shape]
    required: frozenset[str] = frozenset()
    needs: dict[str, str] = field(default_factory=dict)

    @property
    def doc(self) -> str:  # type: ignore[override]
        return "{" + ", ".join(f"{n}: {s.doc}" for n, s in self.fields.items()) + "}"

    def clean(self, value: Any, ctx: Context) -> Cleaned:
        if not isinstance(value, dict):
            return DROP, [Finding("", "is not an object")]
        kept, findings = {}, []
        for name, inner in value.items():
            shape = self.fields.get(name)
            if shape is None:
                findings.append(Finding(f".{name}", "is not a field of it"))
                continue
            good, found = shape.clean(inner, ctx)
            findings.extend(Finding(f".{name}{f.where}", f.problem, f.clamped) for f in found)
            if good is not DROP:
                kept[name] = good
        for name, needed in self.needs.items():
            if name in kept and needed in value and needed not in kept:
                # e.g. a directory's whole_at without the items it loaded could prove nothing deleted
                del kept[name]
                findings.append(Finding(f".{name}", f"goes with {needed}"))
        if missing := sorted(self.required - set(kept)):
            return DROP, [*findings, Finding("", f"lacks {', '.join(missing)}")]
        return kept, findings


# The calls of campaigns (predictive_dialing_calls) and of tasks (auto_callout_calls) keep the same keys.
def calls_state(unit: Key) -> dict[str, Shape]:
    return {
        "marks": Map(APP, Encoded(pairs=True)),
        "loaded": Map(APP, Map(unit, Encoded(pairs=False))),
        "pending": Map(APP, Map(unit, Map(SESSION, UnixDay()))),
        "changing": Map(APP, Map(unit, Map(SESSION, Number(doc="count of reads")))),
        "ends": Map(APP, Map(unit, UnixTime(clamp=False))),  # an EndTime may lie ahead
    }


def directory_state(item: Key) -> dict[str, Shape]:
    app = Record(
        {"whole_at": UnixTime(), "newest": UnixTime(), "known": Map(item, Number(doc="checksum", most=CHECKSUM_MAX))},
        needs={"whole_at": "known"},
    )
    return {"apps": Map(APP, app)}


# done: a checksum per task loaded final (an older state's id set reads as one); seen: per open task.
TASKS_STATE: dict[str, Shape] = {"done": Map(APP, Encoded(pairs=True)), "seen": Map(APP, Encoded(pairs=True))}
# callees: per open task, a checksum of each callee's row, in the detail's order.
CALLEES_STATE: dict[str, Shape] = {**TASKS_STATE, "callees": Map(APP, Map(TASK, Checksums()))}

CAMPAIGNS_STATE: dict[str, Shape] = {
    "last_sync": Anything(),
    "loaded": Map(APP, Encoded(pairs=True)),
    "last_full_refresh": Moment(),
    "cycle": Record(
        {"started_at": Moment(), "full_refresh": Flag(), "done": Map(APP, Chunks(Encoded(pairs=True)))},
        required=frozenset({"started_at", "full_refresh", "done"}),
    ),
}


def table(declared: Mapping[str, Mapping[str, Shape]]) -> str:
    """docs/state.md's table of every stream's keys, made from the streams' declarations."""
    lines = ["| Stream | Key | Shape |", "|---|---|---|"]
    for stream, keys in declared.items():
        if not keys:
            lines.append(f"| `{stream}` | (none) | |")
        for key, shape in keys.items():
            lines.append(f"| `{stream}` | `{key}` | {shape.doc} |")
    return "\n".join(lines)
