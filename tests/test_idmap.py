"""IdMap: ids with a 32-bit value each, in typed arrays, read like a dict."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tap_ccc_campaign.state.ids import IdMap, IdSet

pairs = st.lists(st.tuples(st.integers(1, 2**40), st.integers(0, 2**32 - 1)), max_size=300)


@given(pairs)
def test_it_answers_as_a_dict_of_the_same_pairs_would_the_last_value_of_an_id_winning(added):
    expected = dict(added)
    ids = IdMap(added)
    assert list(ids.items()) == sorted(expected.items())
    assert len(ids) == len(expected)
    assert all(ids.get(key) == value and key in ids for key, value in expected.items())
    assert ids.get(0) is None
    assert 0 not in ids


@given(st.lists(st.integers(1, 2**40), max_size=20_000))
def test_an_id_set_holds_what_was_added_once(added):
    ids = IdSet()
    ids.MERGE = 64  # merge often, so the sorted part is exercised
    for key in added:
        ids.add(key)
    assert len(ids) == len(set(added))
    assert all(key in ids for key in added)
    assert 0 not in ids
