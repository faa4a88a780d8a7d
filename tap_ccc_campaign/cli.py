"""The console entry point: singer-sdk's CLI, with expected failures told as one line on stderr."""

from __future__ import annotations

import os
import sys

from tap_ccc_campaign.errors import TapError
from tap_ccc_campaign.run.memory import few_malloc_arenas
from tap_ccc_campaign.tap import TapCCCCampaign


def main() -> None:
    """Console entry point: singer-sdk's CLI, with expected failures as one line on stderr."""
    few_malloc_arenas()
    try:
        TapCCCCampaign.cli()
    except TapError as exc:
        _quiet_stdout()
        sys.stderr.write(f"tap-ccc-campaign: error: {exc}\n")
        sys.exit(exc.exit_code)


def _quiet_stdout() -> None:
    """Flush what can be flushed; if the reader is gone, stop Python from complaining at exit."""
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
