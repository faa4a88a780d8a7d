"""Every use of singer-sdk's private API, in one place, each with the reason no public API does it.

tests/test_sdk_private.py fails loudly when a singer-sdk upgrade changes any of them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Generator
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import click
from singer_sdk import Stream, Tap

# singer-sdk's STATE writer (a STATE only when it changed), which Tap.state_writer returns, is
# importable only from this private module: run/state_board.py extends it.
from singer_sdk.helpers._state import StateWriter as StateWriter
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.singerlib import RecordMessage

# singer-sdk's own ERROR line for any exception leaving a stream; the tap tells its own errors in
# one line already, so this exact text is filtered for them (the SDK offers no switch).
UNHANDLED_ERROR_LINE = "An unhandled error occurred while syncing '%s'"


class PrivateHooks(Tap):
    """The Tap's overrides of singer-sdk internals. Subclasses give ``settle_config`` and ``check_config_file``."""

    def settle_config(self, config: dict[str, Any], *, raise_errors: bool) -> tuple[dict[str, Any], list[str]]:
        raise NotImplementedError

    @classmethod
    def check_config_file(cls, path: str) -> None:
        raise NotImplementedError

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        # singer-sdk validates the parsed config here, before any public hook: credentials must be
        # filled from Tencent's provider chain first, and the checks told as one line per setting.
        self._config, errors = self.settle_config(self._config, raise_errors=raise_errors)
        return errors

    def setup_mapper(self) -> None:
        # Tap.setup_mapper registers a deselected stream with an empty schema and then refuses any
        # stream map naming it ("Invalid key properties"; upstream: meltano/sdk#1942): Meltano's
        # discovery, run with the user's stream_maps and the default selection, would fail on the
        # calls stream's PII map. The plugin's own setup_mapper (Tap's parent) is called instead,
        # then every stream is registered with its whole schema where it is not selected.
        super(Tap, self).setup_mapper()
        catalog = copy.deepcopy(self.catalog)
        for entry in catalog.streams:
            if not entry.metadata.resolve_selection().get((), True):
                entry.metadata.root.selected = True
        self.mapper.register_raw_streams_from_catalog(catalog)

    def prepare_sync(self) -> None:
        # What Tap.sync_all does before its loop over the streams, which syncs them one after
        # another: the tap syncs them side by side instead (run/side_by_side.py), so it does these
        # two steps itself.
        self._reset_state_progress_markers()
        self._set_compatible_replication_methods()

    @classmethod
    def cb_config(cls, ctx: click.Context, param: click.Option, value: tuple[str, ...]) -> Any:
        # The CLI's --config callback is where singer-sdk reads the files: checked here first, a bad
        # file is one line naming it instead of a traceback.
        for path in value:
            if path != "ENV":
                cls.check_config_file(path)
        parent: Callable[..., Any] = super().cb_config
        return parent(ctx, param, value)


class PrivateStreamHooks(Stream):
    """The streams' override of singer-sdk's record-to-message step."""

    def _generate_record_messages(self, record: dict[str, Any]) -> Generator[RecordMessage, None, None]:
        # singer-sdk walks each record twice before mapping it: to pop deselected properties, and
        # to match it to the schema (even at conformance level NONE). When the catalog selects
        # every property, the tap's checker having dropped what the schema does not know, neither
        # walk can change a record, and they cost about a fifth of the CPU per call record.
        if not self._takes_records_as_they_are:
            yield from super()._generate_record_messages(record)
            return
        for stream_map in self.stream_maps:
            mapped = stream_map.transform(record)
            if mapped is not None:
                yield RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped,
                    version=self._stream_version,
                    time_extracted=datetime.now(UTC),
                )

    @cached_property
    def _takes_records_as_they_are(self) -> bool:
        return self.TYPE_CONFORMANCE_LEVEL == TypeConformanceLevel.NONE and all(self.mask.values())


_PASSES_DELETIONS = "_ccc_passes_deletions"  # marks a stream map whose filter already lets them through


def let_deletions_through(stream_maps: list[Any]) -> None:
    """A deletion record holds only the keys: a __filter__ naming another field would fail on it, and a
    filter's verdict on an item's fields says nothing about whether its row must be marked. So a
    deletion record passes every filter; it is written to every stream the maps make (aliases too).
    singer-sdk has no notion of a deletion record to honour (the closest upstream report of a filter
    failing on a record without the field: meltano/sdk#1821), so each map's filter is wrapped."""
    for stream_map in stream_maps:
        if getattr(stream_map, _PASSES_DELETIONS, False):
            continue  # once per map, however many syncs or streams mark deletions
        judge = stream_map.get_filter_result

        def passes(record: dict[str, Any], judge: Callable[[dict[str, Any]], bool] = judge) -> bool:
            # A live row of the directory streams carries _sdc_deleted_at too, as null: it is judged.
            return record.get("_sdc_deleted_at") is not None or judge(record)

        stream_map.get_filter_result = passes
        setattr(stream_map, _PASSES_DELETIONS, True)
