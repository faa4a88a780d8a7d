"""The schema and the record checker: types enforced, documented values tolerated with a warning, unknown fields dropped once."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tap_ccc_campaign.validation import RecordChecker, Violation, load_schema

VALID = {
    "SdkAppId": 1400000000, "CampaignId": 2569, "Name": "x", "CallOrder": 0, "SkillGroupId": 1, "IVRId": 2,
    "Priority": 3, "ExpectedAbandonRate": 10, "RetryTimes": 1, "RetryInterval": 1800, "StartTime": 1708483433,
    "EndTime": 1708485433, "Variables": [{"Key": "k", "Value": "v"}], "UUI": "", "Status": 1, "StatusReason": 0,
}  # fmt: skip


def checker() -> RecordChecker:
    return RecordChecker(load_schema(), logging.getLogger("test"))


def test_the_founding_example_is_valid():
    assert checker().violations(VALID) == []


def test_fields_the_api_may_omit_may_be_null_but_keys_may_not():
    nulls = {k: None for k in VALID if k not in ("SdkAppId", "CampaignId")}
    assert checker().violations({**VALID, **nulls}) == []
    assert [v.field for v in checker().violations({**VALID, "CampaignId": None})] == ["CampaignId"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("StartTime", "2024-01-01"), ("Variables", [{"Key": "k"}]), ("Priority", "high"), ("Status", 1.5),
     ("Name", 7), ("CampaignId", "2569")],
)  # fmt: skip
def test_types_are_enforced(field, value):
    assert [v.field.split(".")[0] for v in checker().violations({**VALID, field: value})] == [field]


@pytest.mark.parametrize(
    ("field", "value"),
    [("Priority", 6), ("Priority", 0), ("ExpectedAbandonRate", 4), ("ExpectedAbandonRate", 51), ("RetryTimes", 3),
     ("RetryInterval", 59), ("RetryInterval", 86401), ("CallOrder", 2), ("Status", 5), ("StatusReason", 3)],
)  # fmt: skip
def test_values_outside_the_documented_ones_pass_with_one_warning_per_field_and_value(field, value, caplog):
    check = checker()
    record = {**VALID, field: value}
    assert check.violations(record) == []
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            check.note_undocumented(record)
        check.note_undocumented(VALID)
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{field} = {value!r} is outside what the API documents")


def test_every_documented_value_passes_silently(caplog):
    check = checker()
    with caplog.at_level(logging.WARNING):
        for status in range(5):
            check.note_undocumented({**VALID, "Status": status, "Priority": status + 1})
    assert caplog.records == []


def test_unknown_fields_are_dropped_with_one_warning_per_field(caplog):
    check = checker()
    with caplog.at_level(logging.WARNING):
        first = check.drop_unknown({**VALID, "NewField": 1})
        check.drop_unknown({**VALID, "NewField": 2})
    assert "NewField" not in first
    assert caplog.text.count("'NewField'") == 1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=15,
)


@settings(max_examples=300, deadline=None)
@given(record=st.dictionaries(st.sampled_from([*VALID, "Other"]) | st.text(max_size=8), json_values, max_size=20))
def test_the_checker_never_crashes_and_names_fields(record):
    check = checker()
    kept = check.drop_unknown(record)
    assert set(kept) <= set(load_schema()["properties"])
    found = check.violations(kept)
    assert all(isinstance(v, Violation) and v.field for v in found)


STREAMS = (
    "predictive_dialing_campaigns",
    "predictive_dialing_campaign_progress",
    "predictive_dialing_sessions",
    "predictive_dialing_calls",
)
INT64 = (-(2**63), 2**63 - 1)
INT32 = (-(2**31), 2**31 - 1)


def integer_fields(schema: dict, prefix: str = ""):
    for name, spec in schema.get("properties", {}).items():
        if "integer" in spec.get("type", []):
            yield prefix + name, spec
        yield from integer_fields(spec, f"{prefix}{name}.")
        if isinstance(spec.get("items"), dict):
            yield from integer_fields(spec["items"], f"{prefix}{name}[].")


def widest(spec: dict) -> tuple[int, int]:
    assert INT64[0] <= spec["minimum"] <= spec["maximum"] <= INT64[1]
    return INT32 if INT32[0] <= spec["minimum"] and spec["maximum"] <= INT32[1] else INT64


@pytest.mark.parametrize("stream", STREAMS)
def test_every_integer_carries_the_width_of_its_values_ids_and_times_64_bit_codes_and_counts_32(stream):
    for name, spec in integer_fields(load_schema(stream)):
        leaf = name.rsplit(".", 1)[-1]
        # SeatUser.Role holds a custom role's id beside the codes 1-3: an id's width.
        wide = leaf.endswith(("Id", "Time", "Timestamp")) or name == "SeatUser.Role"
        assert spec["maximum"] == (INT64 if wide else INT32)[1], name
        assert widest(spec) == (INT64 if wide else INT32), name


def test_type_bounds_are_enforced_and_documented_ranges_stay_warnings():
    assert [v.field for v in checker().violations({**VALID, "Priority": 2**31})] == ["Priority"]
    assert checker().violations({**VALID, "Priority": 2**31 - 1, "StartTime": 2**40}) == []


def test_fields_the_schema_does_not_know_are_dropped_at_any_depth_with_one_warning_each(caplog):
    from tap_ccc_campaign.validation import RecordChecker

    check = RecordChecker(load_schema("predictive_dialing_calls"), logging.getLogger("test"))
    seat = {"Name": "Li Lei", "Role": 3, "Badge": "new"}
    participant = {"Mail": "a@example.com", "Sequence": 0, "Hologram": True}
    raw = {"SdkAppId": 1, "CampaignId": 2, "SessionId": "s", "SeatUser": seat, "ServeParticipants": [participant]}
    for _ in range(2):
        record, problems = check.checked({**raw, "Telepathy": 1})
    assert problems == []
    assert record == {
        "SdkAppId": 1,
        "CampaignId": 2,
        "SessionId": "s",
        "SeatUser": {"Name": "Li Lei", "Role": 3},
        "ServeParticipants": [{"Mail": "a@example.com", "Sequence": 0}],
    }
    warned = sorted(r.getMessage().split("'")[1] for r in caplog.records if "does not describe" in r.getMessage())
    assert warned == ["SeatUser.Badge", "ServeParticipants[].Hologram", "Telepathy"]


def test_a_record_the_schema_knows_whole_is_passed_on_as_it_is():
    from tap_ccc_campaign.validation import RecordChecker

    check = RecordChecker(load_schema(), logging.getLogger("test"))
    record = {**VALID}
    assert check.checked(record) == (record, [])
    assert check.checked(record)[0] is record  # not copied: nothing to drop
