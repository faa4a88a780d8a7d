"""The tap's typed errors: each is told to a person as one line, with an exit code."""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")


def one_line(message: str) -> str:
    """``message`` folded onto one line: a Tencent message may run over several (CAM names the
    operation and the resource on two), and a run's last line must still name every failure."""
    return _LINE_BREAK.sub(" ", message).strip()


class TapError(Exception):
    """Base of every error the tap reports to a person as one line."""

    exit_code = 1
    attempts = 1  # how many calls were made before giving up, where that applies


class ConfigError(TapError):
    exit_code = 2


class FatalRunError(TapError):
    """An error that dooms the whole run: no further calls are made."""


class SyncFailedError(TapError):
    """The sync finished, but some campaigns could not be emitted."""


class PermissionDeniedError(SyncFailedError):
    """The key may not call an action a stream needs: that stream ends, the others still run."""


class ConnectionTestError(TapError):
    """--test found a stream that cannot be read."""


class TargetGone(TapError):  # noqa: N818 - reads as an event, like SyncInterrupted
    """stdout was closed: the loader reading it ended."""


class SyncInterrupted(TapError):  # noqa: N818 - reads as an event, like KeyboardInterrupt
    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by signal {signum}; the last STATE emitted is valid")
        self.exit_code = 128 + signum
