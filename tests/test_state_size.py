"""The whole STATE for 50,000 campaigns with sessions and calls stays under 2 MB."""

from __future__ import annotations

import json
import random

from tap_ccc_campaign.api import cdr
from tap_ccc_campaign.state import encoding


def test_the_state_of_all_four_streams_for_50000_campaigns_stays_under_2_mb():
    rng = random.Random(9)
    ids, current = [], 2569
    for _ in range(50_000):
        current += rng.randint(1, 50)
        ids.append(current)
    # Worst case to compress: random checksums; 5% of the campaigns not ended, 40 calls loaded each.
    prints = {cid: rng.getrandbits(32) | 1 for cid in ids}
    marks = {cid: rng.getrandbits(24) << 3 | rng.choice((1, 2, 3, 4)) for cid in ids}
    active = rng.sample(ids, 2_500)
    loaded_calls = {
        str(cid): encoding.encode({cdr.session_hash(f"{cid}-{n}-{rng.random()}") for n in range(40)}) for cid in active
    }
    app = "1400000000"
    state = {
        "bookmarks": {
            "predictive_dialing_campaigns": {"loaded": {app: encoding.encode_map(prints)}},
            "predictive_dialing_sessions": {"marks": {app: encoding.encode_map(marks)}},
            "predictive_dialing_calls": {
                "marks": {app: encoding.encode_map(marks)},
                "loaded": {app: loaded_calls},
                "pending": {},
            },
        }
    }
    size = len(json.dumps(state))
    print(f"state for 50,000 campaigns, 2,500 of them still calling: {size:,} bytes")
    assert size < 2_000_000
