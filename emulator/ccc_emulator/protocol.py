"""Tencent Cloud API 3.0 envelopes: how answers and errors are shaped."""

from __future__ import annotations

import json
import uuid
from typing import Any


class ApiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def new_request_id() -> str:
    return str(uuid.uuid4())


def success(fields: dict[str, Any], request_id: str) -> bytes:
    return _encode({"Response": {**fields, "RequestId": request_id}})


def error(err: ApiError, request_id: str) -> bytes:
    return _encode({"Response": {"Error": {"Code": err.code, "Message": err.message}, "RequestId": request_id}})


def _encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")
