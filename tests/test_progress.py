"""Progress lines: every 15 s, with calls per second beside the limit."""

from __future__ import annotations

import logging

from tap_ccc_campaign.run.progress_log import Progress


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_line_every_15_seconds_with_calls_per_second_against_the_limit(caplog):
    clock = FakeClock()
    progress = Progress(1000, logging.getLogger("t"), limit=20, clock=clock)
    with caplog.at_level(logging.INFO):
        for _ in range(480):  # 30 s at 16 campaigns/s, one call each and a retry every tenth
            clock.now += 0.0625
            progress.called()
            if progress.done % 10 == 0:
                progress.called()
            progress.advance()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2  # at 15 s and 30 s: a few lines a minute, not one per call
    assert lines[0] == (
        "progress: 240/1000 campaigns (24.0%), 17.6 calls/s (limit 20/s per action), elapsed 0m15s, ETA 0m48s"
    )
