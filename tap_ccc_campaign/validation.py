"""The streams' JSON schemas: where they live, and checking records against them."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft7Validator


@cache
def load_schema(stream: str = "predictive_dialing_campaigns") -> dict[str, Any]:
    """A stream's schema from the wheel (``tap_ccc_campaign/schemas``) or, in a source checkout, ``schemas/``."""
    packaged = resources.files("tap_ccc_campaign") / "schemas" / f"{stream}.json"
    if packaged.is_file():
        return json.loads(packaged.read_text(encoding="utf-8"))
    source = Path(__file__).resolve().parent.parent / "schemas" / f"{stream}.json"
    return json.loads(source.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Violation:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class RecordChecker:
    """Drops fields the schema does not know, at any depth (warning once per field), validates types,
    and warns once per field and value about values outside what the API documents (still emitted:
    the day Tencent adds a Status, the tap must not stop loading).

    The common case, a record the schema knows whole, costs one pass of a compiled validator
    (fastjsonschema: generated Python, several times faster than jsonschema's interpreter) that also
    refuses unknown fields; only a record it refuses is walked to drop them, and explained with
    jsonschema in the words the tap prints."""

    def __init__(self, schema: dict[str, Any], logger: logging.Logger) -> None:
        self._schema = schema
        self._validator = Draft7Validator(schema)
        # Formats are not checked (as jsonschema does without a format checker): the same rules.
        self._whole = fastjsonschema.compile(_closed(schema), formats={"date-time": lambda value: True})
        self._documented = {
            name: spec
            for name, spec in schema.get("properties", {}).items()
            if any(key.startswith("x-documented-") for key in spec)
        }
        self._warned: set[str] = set()
        self.refused: Counter[str] = Counter()  # fields of the records refused so far, for --test
        self._judged: set[tuple[str, Any]] = set()  # (field, value) already judged (and warned about)
        self._logger = logger

    def note_undocumented(self, record: dict[str, Any]) -> None:
        for name, spec in self._documented.items():
            value = record.get(name)
            if value is None or (name, value) in self._judged:
                continue
            self._judged.add((name, value))
            if _documented(spec, value):
                continue
            self._logger.warning(
                "%s = %r is outside what the API documents (%s): loaded as is (warned once per field and value).",
                name,
                value,
                _expectation(spec),
            )

    def checked(self, record: dict[str, Any]) -> tuple[dict[str, Any], list[Violation]]:
        """The record as it is loaded (unknown fields dropped at any depth), and what is wrong with it."""
        try:
            self._whole(record)
        except fastjsonschema.JsonSchemaException:
            record = self.drop_unknown(record)
            problems = self.violations(record)
            self.refused.update(problem.field for problem in problems)
            return record, problems
        return record, []

    def drop_unknown(self, record: dict[str, Any]) -> dict[str, Any]:
        return _known_only(record, self._schema, "", self._warn_unknown)

    def _warn_unknown(self, name: str) -> None:
        if name in self._warned:
            return
        self._warned.add(name)
        self._logger.warning(
            "The API returned field '%s', which the schema does not describe: dropped "
            "(warned once per run). Upgrade the tap to load it.",
            name,
        )

    def violations(self, record: dict[str, Any]) -> list[Violation]:
        found = []
        for error in self._validator.iter_errors(record):
            path = ".".join(str(p) for p in error.absolute_path) or "(record)"
            found.append(Violation(path, _short(error.message)))
        return sorted(found, key=lambda v: v.field)


def _closed(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every object closed to properties it does not name (to notice unknown fields)."""
    if not isinstance(schema, dict):
        return schema
    closed = {key: _closed(value) if key == "items" else value for key, value in schema.items()}
    if "properties" in schema:
        closed["properties"] = {name: _closed(spec) for name, spec in schema["properties"].items()}
        closed.setdefault("additionalProperties", False)
    return closed


def _known_only(value: Any, schema: dict[str, Any], path: str, unknown: Any) -> Any:
    """``value`` without the properties its schema does not name, at any depth (``unknown`` told each path)."""
    if isinstance(value, dict) and isinstance(schema.get("properties"), dict):
        properties = schema["properties"]
        kept = {}
        for name, inner in value.items():
            if name in properties:
                kept[name] = _known_only(inner, properties[name], f"{path}{name}.", unknown)
            elif not schema.get("additionalProperties"):
                unknown(f"{path}{name}")
            else:
                kept[name] = inner
        return kept
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_known_only(item, schema["items"], path.rstrip(".") + "[].", unknown) for item in value]
    return value


def _short(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _documented(spec: dict[str, Any], value: Any) -> bool:
    if "x-documented-values" in spec and value not in spec["x-documented-values"]:
        return False
    if not isinstance(value, int | float) or isinstance(value, bool):
        return True
    low, high = spec.get("x-documented-minimum"), spec.get("x-documented-maximum")
    return (low is None or value >= low) and (high is None or value <= high)


def _expectation(spec: dict[str, Any]) -> str:
    if "x-documented-values" in spec:
        return "one of " + ", ".join(map(str, spec["x-documented-values"]))
    return f"{spec.get('x-documented-minimum', '-inf')} to {spec.get('x-documented-maximum', 'inf')}"
