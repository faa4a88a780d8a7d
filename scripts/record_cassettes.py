"""Re-record the replay cassettes in tests/cassettes/.

    python scripts/record_cassettes.py            # from the local emulator (what the repo ships)
    python scripts/record_cassettes.py --live     # from the real API, with your credentials

--live reads TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY (and TENCENTCLOUD_TOKEN),
CCC_SDK_APP_ID, CCC_CAMPAIGN_IDS (comma-separated ids that exist), CCC_MISSING_CAMPAIGN_ID
(an id that does not) and optionally CCC_API_URL. Authorization, X-TC-Token and
X-TC-Timestamp are scrubbed, and a cassette that still holds a secret is not written.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from contextlib import ExitStack, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tap_ccc_campaign.config.schema import DEFAULT_API_URL  # noqa: E402
from tap_ccc_campaign.config.settings import Settings  # noqa: E402
from tap_ccc_campaign.tap import TapCCCCampaign  # noqa: E402
from tests.cassettes import CASSETTES, make_vcr  # noqa: E402


def _sync(config: dict) -> None:
    # vcrpy drops interactions recorded from several threads at once: record one at a time.
    Settings.workers = property(lambda self: 1)  # type: ignore[method-assign,assignment]
    with redirect_stdout(io.StringIO()):
        try:
            TapCCCCampaign(config=config).sync_all()
        except Exception as exc:  # noqa: BLE001 - the auth-failure cassette ends in one on purpose
            print(f"  (sync ended with {type(exc).__name__})", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--live", action="store_true", help="record from the real API (needs credentials)")
    args = parser.parse_args()
    with ExitStack() as stack:
        if args.live:
            env = os.environ
            base = {
                "secret_id": env["TENCENTCLOUD_SECRET_ID"],
                "secret_key": env["TENCENTCLOUD_SECRET_KEY"],
                "token": env.get("TENCENTCLOUD_TOKEN"),
                "sdk_app_id": int(env["CCC_SDK_APP_ID"]),
                "api_url": env.get("CCC_API_URL", DEFAULT_API_URL),
            }
            ids = [int(i) for i in env["CCC_CAMPAIGN_IDS"].split(",")]
            missing = int(env["CCC_MISSING_CAMPAIGN_ID"])
        else:
            from ccc_emulator import Emulator
            from ccc_emulator.auth import DEMO_CREDENTIAL

            emulator = stack.enter_context(Emulator())
            base = {
                "secret_id": DEMO_CREDENTIAL.secret_id,
                "secret_key": DEMO_CREDENTIAL.secret_key,
                "sdk_app_id": emulator.store.sdk_app_id,
                "api_url": emulator.url,
            }
            ids = list(emulator.store.ids())[:5]
            missing = 99
        secrets = [base["secret_key"], base.get("token") or ""]
        recorder = make_vcr(record_mode="all", secrets=secrets)
        base = {k: v for k, v in base.items() if v is not None}
        plan = {"sdk_app_id": base["sdk_app_id"], "campaign_ids": ids, "missing_campaign_id": missing}
        with recorder.use_cassette("tap_sync.yaml"):
            _sync({**base, "campaign_ids": [*ids[:2], missing, *ids[2:]], "requests_per_second": 5})
        with recorder.use_cassette("auth_failure.yaml"):
            _sync({**base, "secret_key": "certainly-not-the-key", "campaign_ids": ids[:1]})
        (CASSETTES / "plan.json").write_text(json.dumps(plan, indent=2) + "\n")
    print(f"recorded {CASSETTES / 'tap_sync.yaml'}, {CASSETTES / 'auth_failure.yaml'} and plan.json")


if __name__ == "__main__":
    main()
