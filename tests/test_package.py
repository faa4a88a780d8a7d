"""The built wheel carries the schema: installed into a fresh venv, the tap runs --discover."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installed_in_a_fresh_venv_discovers_the_stream(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("tap_ccc_campaign-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    schemas = sorted(path.name for path in (ROOT / "schemas").glob("*.json"))
    assert "predictive_dialing_campaigns.json" in schemas  # and below: one schema per discovered stream
    assert all(f"tap_ccc_campaign/schemas/{name}" in names for name in schemas)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    subprocess.run(
        [str(env_dir / "bin/python"), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True
    )
    done = subprocess.run(
        [str(env_dir / "bin/tap-ccc-campaign"), "--discover"], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    streams = {s["tap_stream_id"]: s for s in json.loads(done.stdout)["streams"]}
    assert sorted(streams) == sorted(name.removesuffix(".json") for name in schemas)
    for name, stream in streams.items():
        assert set(stream["schema"]["properties"]) == set(
            json.loads((ROOT / f"schemas/{name}.json").read_text())["properties"]
        )
