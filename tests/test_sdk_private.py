"""singer-sdk's private API the tap relies on (tap_ccc_campaign/sdk_private.py) is still what it was:
a singer-sdk upgrade that changes any of it fails here, by name, instead of silently."""

from __future__ import annotations

import inspect

from singer_sdk import Stream, Tap
from singer_sdk.plugin_base import PluginBase

from tap_ccc_campaign.sdk_private import UNHANDLED_ERROR_LINE, PrivateHooks
from tap_ccc_campaign.streams.base import CCCStream


def test_the_config_is_validated_through_validate_config_with_raise_errors():
    assert list(inspect.signature(Tap._validate_config).parameters) == ["self", "raise_errors"]
    assert "_validate_config(" in inspect.getsource(PluginBase.__init__)
    assert "self._config" in inspect.getsource(PluginBase.__init__)


def test_taps_setup_mapper_is_still_the_plugins_plus_registering_the_catalog():
    # What PrivateHooks.setup_mapper does instead: the plugin's mapper, then its own registration.
    assert "PluginMapper(" in inspect.getsource(PluginBase.setup_mapper)
    body = inspect.getsource(Tap.setup_mapper)
    assert "super().setup_mapper()" in body
    assert "register_raw_streams_from_catalog(self.catalog)" in body


def test_the_cli_reads_config_files_in_the_cb_config_callback():
    assert isinstance(inspect.getattr_static(Tap, "cb_config"), classmethod)
    assert list(inspect.signature(Tap.cb_config).parameters) == ["ctx", "param", "value"]
    assert PrivateHooks.cb_config.__func__ is not Tap.cb_config.__func__


def test_the_sdks_unhandled_error_line_is_still_its_text():
    assert UNHANDLED_ERROR_LINE in inspect.getsource(Stream)


def test_state_message_frequency_is_still_the_counter_that_writes_state():
    assert "STATE_MSG_FREQUENCY" in inspect.getsource(Stream)
    assert CCCStream.STATE_MSG_FREQUENCY > 2**40


def test_records_become_messages_in_generate_record_messages_after_popping_deselected_properties():
    # PrivateStreamHooks._generate_record_messages skips the two walks when they cannot change a
    # record, and otherwise calls this one.
    body = inspect.getsource(Stream._generate_record_messages)
    assert "pop_deselected_record_properties(" in body
    assert "conform_record_data_types(" in body
    assert "version=self._stream_version" in body
    assert "stream_map.transform(record)" in body
    assert "_generate_record_messages(record)" in inspect.getsource(Stream._write_record_message)


def test_a_stream_maps_filter_is_still_its_get_filter_result():
    # sdk_private.let_deletions_through wraps it so deletion records pass every filter.
    from singer_sdk.mapper import CustomStreamMap

    assert callable(CustomStreamMap.get_filter_result)
    assert "record" in inspect.signature(CustomStreamMap.get_filter_result).parameters
