"""Singer messages to stdout, with a loader that stopped reading told apart from a crash."""

from __future__ import annotations

from singer_sdk.io_base import SingerWriter
from singer_sdk.singerlib import Message

from tap_ccc_campaign.errors import TargetGone


class Writer(SingerWriter):
    def write_message(self, message: Message) -> None:
        try:
            super().write_message(message)
        except BrokenPipeError:
            raise TargetGone(
                "the target stopped reading the tap's output (it exited or crashed): see the loader's log"
            ) from None
