"""Running the project's Meltano, and the plugins it installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MELTANO = str(Path(sys.executable).with_name("meltano"))


def meltano(*args: str, env: dict[str, str], check: bool = True, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    full = {**os.environ, "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false", **env}
    done = subprocess.run([MELTANO, *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=900, check=False)
    if check:
        assert done.returncode == 0, done.stderr[-4000:]
    return done


def plugin_executable(kind: str, name: str) -> Path:
    """The executable Meltano installed for a plugin, in its own virtual environment."""
    return ROOT / ".meltano" / kind / name / "venv" / "bin" / name
