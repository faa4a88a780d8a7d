"""The emulator in a process of its own, for the benchmarks: whatever reads the tap's output then
does not also serve the API (in one process they share one interpreter lock, and each slows the
other)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent


@contextmanager
def emulator(*options: str) -> Iterator[str]:
    """``ccc-emulator`` with ``options``, on a free port: its URL, until the block ends."""
    with tempfile.TemporaryDirectory() as work:
        port_file = Path(work) / "port"
        command = [str(BIN / "ccc-emulator"), "--port", "0", "--port-file", str(port_file), *options]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        try:
            for _ in range(600):  # a large account takes a few seconds to set up
                if port_file.exists() and port_file.read_text():
                    break
                if process.poll() is not None:
                    raise SystemExit(f"ccc-emulator exited {process.returncode}: {' '.join(options)}")
                time.sleep(0.05)
            yield f"http://127.0.0.1:{port_file.read_text()}"
        finally:
            process.terminate()
            process.wait()


def fetch(url: str) -> object:
    """A JSON answer of the emulator's own endpoints (/_emulator/stats, /_emulator/requests)."""
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)
