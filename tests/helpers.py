"""Shared helpers: configs for the emulator, running the tap in-process or as a process."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterable
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccc_emulator import Emulator
from ccc_emulator.auth import DEMO_CREDENTIAL

from tap_ccc_campaign.tap import TapCCCCampaign

STREAM = "predictive_dialing_campaigns"


def tap_config(emulator: Emulator, campaign_ids: list[int] | None = None, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "secret_id": DEMO_CREDENTIAL.secret_id,
        "secret_key": DEMO_CREDENTIAL.secret_key,
        "sdk_app_id": emulator.store.sdk_app_id,
        "campaign_ids": list(emulator.store.ids()) if campaign_ids is None else campaign_ids,
        "api_url": emulator.url,
        "retry_backoff_seconds": 0.05,
    }
    config.update(overrides)
    return config


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def messages(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def records(stdout: str) -> list[dict[str, Any]]:
    return [m["record"] for m in messages(stdout) if m["type"] == "RECORD"]


def catalog_selecting(config: dict[str, Any], streams: Iterable[str]) -> dict[str, Any]:
    """The discovered catalog with exactly ``streams`` selected."""
    wanted = set(streams)
    catalog = TapCCCCampaign(config=config).catalog_dict
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = stream["tap_stream_id"] in wanted
    return catalog


def sync_in_process(
    config: dict[str, Any],
    *,
    state: dict | None = None,
    sink: list[dict[str, Any]] | None = None,
    streams: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """Run a sync in this process and return the Singer messages it wrote.

    ``sink`` also receives them, including when the sync raises. ``streams``: the streams to
    select (default: those selected by default).
    """
    out = io.StringIO()
    catalog = catalog_selecting(config, streams) if streams is not None else None
    try:
        with redirect_stdout(out):
            TapCCCCampaign(config=config, state=state, catalog=catalog).sync_all()
    finally:
        if sink is not None:
            sink.extend(messages(out.getvalue()))
    return messages(out.getvalue())


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def records(self) -> list[dict[str, Any]]:
        return records(self.stdout)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return messages(self.stdout)


def tap_command() -> list[str]:
    """The installed console script, next to this interpreter."""
    script = Path(sys.executable).with_name("tap-ccc-campaign")
    return [str(script)] if script.exists() else [shutil.which("tap-ccc-campaign") or "tap-ccc-campaign"]


def start_tap(config: dict[str, Any] | None, tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    """The console script as a running process, with no Tencent credentials from the machine."""
    command = tap_command()
    if config is not None:
        path = tmp_path / "config.json"
        path.write_text(json.dumps(config))
        command += ["--config", str(path)]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("TENCENTCLOUD_", "TAP_CCC_CAMPAIGN_"))}
    full_env["HOME"] = str(tmp_path)  # no ~/.tencentcloud/credentials from the machine
    full_env.update(env or {})
    return subprocess.Popen([*command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env)


class StderrDrain:
    """Reads a running tap's stderr on a thread, so a test can read its stdout line by line."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self._err: list[str] = []
        self._thread = threading.Thread(target=lambda: self._err.append(process.stderr.read()), daemon=True)
        self._thread.start()

    def finish(self, timeout: float = 120) -> tuple[str, str]:
        """The rest of stdout and all of stderr, once the process ended. The rest is read through
        the same text stream as the lines before: communicate() reads the pipe itself and would
        lose what readline had already buffered ahead."""
        rest = self.process.stdout.read()
        self.process.wait(timeout=timeout)
        self._thread.join(timeout)
        return rest, "".join(self._err)


def run_tap(
    config: dict[str, Any] | None,
    tmp_path: Path,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Run:
    process = start_tap(config, tmp_path, *args, env=env)
    stdout, stderr = process.communicate(timeout=timeout)
    return Run(process.returncode, stdout, stderr)


def stopped_after(config: dict[str, Any], tmp_path: Path, records: int, *args: str) -> list[dict[str, Any]]:
    """The messages of the tap (run with ``args``) when SIGTERM stops it right after its
    ``records``-th RECORD line; it must exit 143."""
    process = start_tap(config, tmp_path, *args)
    drain = StderrDrain(process)
    lines, seen = [], 0
    while seen < records:  # bounded: the sync ends (readline returns "") long before
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        seen += '"type":"RECORD"' in line.replace(" ", "")
    process.send_signal(signal.SIGTERM)
    rest, _ = drain.finish()
    assert process.returncode == 143
    return messages("".join(lines) + rest)
