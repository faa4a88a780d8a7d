"""skill_groups and agents: the people and groups behind the campaigns, one row each.

Each sync asks for what was modified since the newest ``LastModifyTimestamp`` it has loaded (less a
lookback); every ``directory_full_read_hours`` it reads the whole list instead, which is the only
way to notice an item deleted (the lists never say). An item is emitted when it is new or differs
from what was emitted before (a checksum per item in the state), so a list read again unchanged
loads nothing. The bookmark moves only past a read that was complete and wholly loaded, and never
past this machine's clock less the lookback (a stamp in the future or in milliseconds would hide
every later change). Deletions follow ``state.deletions``: only a complete whole read proves one.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Generator
from typing import Any, cast

from tap_ccc_campaign.api.errors import APIError, TransportError
from tap_ccc_campaign.api.paged_list import AGENTS, SKILL_GROUPS, PagedList, read_list
from tap_ccc_campaign.config.settings import Settings
from tap_ccc_campaign.errors import SyncFailedError
from tap_ccc_campaign.run.failures import Failures
from tap_ccc_campaign.run.progress_log import Progress
from tap_ccc_campaign.state import shapes
from tap_ccc_campaign.state.deletions import Deletions, deletion_records
from tap_ccc_campaign.streams.base import CCCStream, list_failed, release

clock = time.time  # the moment a sync reads up to (a test sets it)


def checksum(item: dict[str, Any]) -> int:
    text = json.dumps(item, ensure_ascii=False, sort_keys=True)
    return zlib.crc32(text.encode("utf-8"))


class DirectoryStream(CCCStream):
    """A stream of one app-wide list: it declares ``kind`` (the list: its action and what names an
    item), and its CAM action, keys and state follow from it."""

    kind: PagedList
    selected_by_default = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        key = cast(str, cls.kind.key)  # a directory list names its items by a field: SkillGroupId, Mail
        cls.actions = (cls.kind.action,)
        # singer-sdk declares primary_keys a property, which a class may still override with a value.
        setattr(cls, "primary_keys", ("SdkAppId", key))  # noqa: B010
        cls.state_shape = shapes.directory_state(shapes.Key(key, ids=cls.kind.key_type is int))

    def _sync(self) -> Generator[dict[str, Any], None, None]:
        settings = Settings.from_config(self.config, self.logger)
        checker = self._record_checker()
        apps: dict[str, Any] = self.stream_state.setdefault("apps", {})
        client = self._client(settings, Progress(0, self.logger, limit=settings.requests_per_second))
        failures = Failures("")  # labelled by SdkAppId or item
        emitted = deleted = unchanged = calls = 0
        try:
            for sdk_app_id in settings.sdk_app_ids:
                kept = apps.get(str(sdk_app_id))
                kept = kept if isinstance(kept, dict) else {}
                now = int(clock())
                # The furthest the bookmark may move: a stamp past the clock (in the future, or in
                # milliseconds) would make every later read start after the changes it must find.
                ceiling = now - settings.directory_lookback_seconds
                whole = (
                    settings.full_refresh
                    or not isinstance(kept.get("whole_at"), int)
                    or now - kept["whole_at"] >= settings.directory_full_read_hours * 3600
                )
                bookmark = kept.get("newest") if isinstance(kept.get("newest"), int) else None
                if bookmark is not None and bookmark > ceiling:
                    self.logger.warning(
                        "SdkAppId %d: the %s bookmark kept in the state (%d) is past this machine's clock less "
                        "directory_lookback_seconds: read from %d instead",
                        sdk_app_id,
                        self.name,
                        bookmark,
                        ceiling,
                    )
                    bookmark = kept["newest"] = ceiling
                since = None if whole or bookmark is None else max(0, bookmark - settings.directory_lookback_seconds)
                try:
                    read = (
                        self._read_whole(client, self.kind, sdk_app_id)
                        if since is None
                        else read_list(client, self.kind, sdk_app_id, since)
                    )
                except (APIError, TransportError) as exc:
                    error = list_failed(settings, client, f"reading {self.kind.action} of SdkAppId {sdk_app_id}", exc)
                    if not isinstance(error, SyncFailedError):
                        raise error from None
                    failures.add(str(sdk_app_id), "list failed", str(error))
                    self.logger.error("%s", error)
                    continue
                calls += read.calls
                known: dict[str, int] = {k: v for k, v in (kept.get("known") or {}).items() if isinstance(v, int)}
                deletions: Deletions[str] = Deletions(known)  # what was known before this sync's new items
                newest, item_failed = bookmark, False
                future: list[str] = []
                for key, item in read.items.items():
                    record, problems = checker.checked({"SdkAppId": sdk_app_id, **item, "_sdc_deleted_at": None})
                    if problems:
                        label = f"{self.kind.key} {key} of SdkAppId {sdk_app_id}"
                        failures.add(label, "invalid fields", f"{label}: {', '.join(map(str, problems))}")
                        item_failed = True
                        continue
                    stamp = item.get("LastModifyTimestamp")
                    if isinstance(stamp, int):
                        if stamp > now:
                            future.append(f"{key} ({stamp})")
                        newest = min(stamp, ceiling) if newest is None else max(newest, min(stamp, ceiling))
                    sum_ = checksum(record)
                    if not settings.full_refresh and known.get(str(key)) == sum_:
                        unchanged += 1
                        continue
                    checker.note_undocumented(record)
                    known[str(key)] = sum_
                    yield record
                    emitted += 1
                if future:
                    self._warn_future(sdk_app_id, future, ceiling)
                if whole and read.complete:
                    deletions.listed_completely(str(key) for key in read.items)
                    deleted += yield from self._deletions(sdk_app_id, deletions, known, settings, failures)
                    kept["whole_at"] = now
                elif whole:
                    self.logger.warning(
                        "SdkAppId %d: no pass over %s was complete (%d found): none is marked deleted, "
                        "and the next sync reads it whole again",
                        sdk_app_id,
                        self.kind.action,
                        len(read.items),
                    )
                kept["known"] = known
                # The bookmark moves only past what this read loaded: an incomplete read may have
                # missed changes older than the newest it saw, and an item that failed was not loaded.
                if read.complete and not item_failed:
                    if newest is not None:
                        kept["newest"] = newest
                else:
                    self.logger.warning(
                        "SdkAppId %d: the read of %s%s %s: the %s bookmark stays at %s, and the next sync "
                        "reads from there again",
                        sdk_app_id,
                        self.kind.action,
                        "" if since is None else f" modified since {since}",
                        "was incomplete" if not read.complete else "did not load every item",
                        self.name,
                        "none" if bookmark is None else bookmark,
                    )
                apps[str(sdk_app_id)] = kept
        finally:
            release(client)
        self.logger.info(
            "Done: %d %s emitted, %d unchanged not emitted again, %d marked deleted; %d call(s) of %s",
            emitted,
            self.name,
            unchanged,
            deleted,
            calls,
            self.kind.action,
        )
        if failures:
            raise SyncFailedError(failures.summary(emitted + failures.count, f"{self.name} were not loaded"))

    def _warn_future(self, sdk_app_id: int, stamps: list[str], ceiling: int) -> None:
        self.logger.warning(
            "SdkAppId %d: %d of %s carry a LastModifyTimestamp past this machine's clock (in the future, "
            "or in milliseconds): the bookmark is clamped to %d (the clock less directory_lookback_seconds), "
            "so that later changes are still read: %s%s",
            sdk_app_id,
            len(stamps),
            self.name,
            ceiling,
            ", ".join(stamps[:10]),
            " …" if len(stamps) > 10 else "",
        )

    def _deletions(
        self, sdk_app_id: int, deletions: Deletions[str], known: dict[str, int], settings: Settings, failures: Failures
    ) -> Generator[dict[str, Any], None, int]:
        """The deletion records of one app (their keys forgotten from ``known``); how many."""
        verdict = deletions.verdict(settings.max_deleted_share)
        if verdict.held:
            failures.add(str(sdk_app_id), "too many gone", f"SdkAppId {sdk_app_id}: {verdict.refusal(self.name)}")
            return 0
        field = cast(str, self.kind.key)  # a directory list names its items by a field: SkillGroupId, Mail
        keys = [{"SdkAppId": sdk_app_id, field: self.kind.key_type(key)} for key in verdict.gone]
        for record in deletion_records(self.stream_maps, keys):
            known.pop(str(record[field]), None)
            yield record
        return len(keys)


class SkillGroupsStream(DirectoryStream):
    name = "skill_groups"
    record_per = "skill group (campaigns' and calls' `SkillGroupId`)"
    kind = SKILL_GROUPS


class AgentsStream(DirectoryStream):
    name = "agents"
    record_per = "agent (calls' `SeatUser.UserId`/`Mail`)"
    kind = AGENTS
