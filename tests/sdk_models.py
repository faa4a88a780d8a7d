"""The official SDK's declared field types (`:type X: int` lines of tencentcloud-sdk-python-ccc's models),
read from its source, and sample values of each declared type, for tests that hold schemas and the
emulator to what a real account can send."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from tencentcloud.ccc.v20200210 import models

_TYPE_LINE = re.compile(r":type (\w+): (.+)")
_SCALARS = {"int": int, "str": str, "bool": bool, "float": float}


@dataclass(frozen=True)
class Declared:
    """One field's declared type: a scalar name or a model class name, maybe a list of it."""

    name: str
    many: bool

    def is_model(self) -> bool:
        return self.name not in _SCALARS


@cache
def fields(model: str) -> dict[str, Declared]:
    """Every field of ``model`` with its declared type, as the SDK's docstrings give it."""
    source = inspect.getsource(getattr(models, model))
    found = {}
    for field, declared in _TYPE_LINE.findall(source):
        declared = declared.strip()
        many = declared.startswith("list of ")
        name = declared.removeprefix("list of ").strip()
        # A nested model is written ":class:`tencentcloud.ccc.v20200210.models.SeatUserInfo`".
        # A scalar may carry a qualifier: "list of int non-negative".
        name = name.rstrip("`").rpartition(".")[2] if name.startswith(":class:") else name.split()[0]
        found[field] = Declared(name, many)
    return found


def sample(declared: Declared) -> Any:
    """A value of the declared type, as a real account would send it (nested models filled in)."""
    one: Any
    if declared.is_model():
        one = {name: sample(inner) for name, inner in fields(declared.name).items()}
    else:
        one = {"int": 7, "str": "x", "bool": True, "float": 1.5}[declared.name]
    return [one] if declared.many else one


def mismatches(value: Any, declared: Declared, path: str) -> list[str]:
    """Where ``value`` is not of the declared type (null is allowed anywhere: the SDK says fields may be null)."""
    if value is None:
        return []
    if declared.many:
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__}, declared list of {declared.name}"]
        single = Declared(declared.name, many=False)
        return [problem for i, item in enumerate(value) for problem in mismatches(item, single, f"{path}[{i}]")]
    if declared.is_model():
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, declared {declared.name}"]
        inner = fields(declared.name)
        return [p for key, item in value.items() if key in inner for p in mismatches(item, inner[key], f"{path}.{key}")]
    expected = _SCALARS[declared.name]
    if isinstance(value, bool) and expected is not bool:
        return [f"{path}: bool, declared {declared.name}"]
    if expected is float and isinstance(value, int):
        return []
    if not isinstance(value, expected):
        return [f"{path}: {type(value).__name__} {value!r}, declared {declared.name}"]
    return []
