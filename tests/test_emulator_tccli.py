"""tccli, Tencent's own command line, cannot tell the emulator from CCC either.

tccli speaks only https and trusts only certifi's bundle, so it gets its own throwaway venv
(.venv-tccli, kept between runs) whose bundle also trusts a self-signed certificate for 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from ccc_emulator.auth import DEMO_CREDENTIAL

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-tccli"


@pytest.fixture(scope="module")
def tccli() -> Path:
    ready = VENV / "ready"
    if not ready.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        install = subprocess.run(
            [str(VENV / "bin/python"), "-m", "pip", "install", "--quiet", "tccli==3.1.189.1"],
            capture_output=True,
            text=True,
            check=False,
        )
        if install.returncode != 0:
            pytest.skip(f"tccli does not install here: {install.stderr.strip().splitlines()[-1:]}")
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "3650",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(VENV / "key.pem"),
                "-out",
                str(VENV / "cert.pem"),
            ],
            check=True,
            capture_output=True,
        )
        bundle = subprocess.run(
            [str(VENV / "bin/python"), "-c", "import certifi; print(certifi.where())"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        with open(bundle, "a") as handle:
            handle.write((VENV / "cert.pem").read_text())
        ready.write_text("ok")
    return VENV / "bin/tccli"


@pytest.fixture
def tls_emulator(start_emulator):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(VENV / "cert.pem", VENV / "key.pem")
    return start_emulator(tls=context)


def run(tccli: Path, emulator, action: str, *args: str, key: str = DEMO_CREDENTIAL.secret_key):
    env = {
        **os.environ,
        "TENCENTCLOUD_SECRET_ID": DEMO_CREDENTIAL.secret_id,
        "TENCENTCLOUD_SECRET_KEY": key,
        "HOME": str(VENV),
    }
    endpoint = emulator.url.removeprefix("https://")
    return subprocess.run(
        [str(tccli), "ccc", action, *args, "--endpoint", endpoint, "--region", "ap-guangzhou"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_tccli_reads_a_campaign(tccli, tls_emulator):
    done = run(
        tccli, tls_emulator, "DescribePredictiveDialingCampaign", "--SdkAppId", "1400000000", "--CampaignId", "2570"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    answer = json.loads(done.stdout)
    answer.pop("RequestId")
    assert answer == tls_emulator.store.campaign(2570)


def test_tccli_lists_campaigns_and_sessions(tccli, tls_emulator):
    listing = json.loads(
        run(
            tccli,
            tls_emulator,
            "DescribePredictiveDialingCampaigns",
            "--SdkAppId",
            "1400000000",
            "--PageSize",
            "5",
            "--PageNumber",
            "1",
        ).stdout
    )
    assert [c["CampaignId"] for c in listing["CampaignList"]] == list(tls_emulator.store.ids())[5:10]
    sessions = json.loads(
        run(
            tccli,
            tls_emulator,
            "DescribePredictiveDialingSessions",
            "--SdkAppId",
            "1400000000",
            "--CampaignId",
            "2569",
            "--PageSize",
            "1000",
            "--PageNumber",
            "0",
        ).stdout
    )
    assert sessions["TotalCount"] == len(tls_emulator.store.sessions(2569))


def test_tccli_with_a_wrong_key_gets_signature_failure(tccli, tls_emulator):
    done = run(
        tccli,
        tls_emulator,
        "DescribePredictiveDialingCampaign",
        "--SdkAppId",
        "1400000000",
        "--CampaignId",
        "2570",
        key="wrong",
    )
    assert done.returncode != 0
    assert "AuthFailure.SignatureFailure" in done.stdout + done.stderr
