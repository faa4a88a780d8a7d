"""skill_groups and agents: the people and groups behind the campaigns, one row each.

Each sync asks for what was modified since the newest ``LastModifyTimestamp`` it has seen (less a
lookback); every ``directory_full_read_hours`` it reads the whole list instead, which is the only
way to notice an item deleted (the lists never say). An item is emitted when it is new or differs
from what was emitted before (a checksum per item in the state), so a list read again unchanged
loads nothing. An item is marked deleted only when a complete whole read no longer shows it, and
never more than ``max_deleted_share`` of those known at once.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from tap_ccc_campaign.api.errors import APIError, TransportError
from tap_ccc_campaign.api.paged_list import AGENTS, SKILL_GROUPS, PagedList, read_list
from tap_ccc_campaign.config.settings import Settings
from tap_ccc_campaign.errors import SyncFailedError
from tap_ccc_campaign.run.failures import Failures
from tap_ccc_campaign.run.progress_log import Progress
from tap_ccc_campaign.streams.base import CCCStream, list_failed


def checksum(item: dict[str, Any]) -> int:
    text = json.dumps(item, ensure_ascii=False, sort_keys=True)
    return zlib.crc32(text.encode("utf-8"))


class DirectoryStream(CCCStream):
    kind: PagedList
    selected_by_default = False

    def _sync(self) -> Iterator[dict[str, Any]]:
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
                now = int(time.time())
                whole = (
                    settings.full_refresh
                    or not isinstance(kept.get("whole_at"), int)
                    or now - kept["whole_at"] >= settings.directory_full_read_hours * 3600
                )
                newest = kept.get("newest") if isinstance(kept.get("newest"), int) else None
                since = None if whole or newest is None else max(0, newest - settings.directory_lookback_seconds)
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
                for key, item in read.items.items():
                    record, problems = checker.checked({"SdkAppId": sdk_app_id, **item, "_sdc_deleted_at": None})
                    if problems:
                        label = f"{self.kind.key} {key} of SdkAppId {sdk_app_id}"
                        failures.add(label, "invalid fields", f"{label}: {', '.join(map(str, problems))}")
                        continue
                    stamp = item.get("LastModifyTimestamp")
                    if isinstance(stamp, int):
                        newest = stamp if newest is None else max(newest, stamp)
                    sum_ = checksum(record)
                    if not settings.full_refresh and known.get(str(key)) == sum_:
                        unchanged += 1
                        continue
                    checker.note_undocumented(record)
                    known[str(key)] = sum_
                    yield record
                    emitted += 1
                if whole and read.complete:
                    gone = [k for k in known if k not in {str(key) for key in read.items}]
                    for record in self._deletions(sdk_app_id, gone, len(known), settings, failures):
                        known.pop(str(record[self.kind.key]), None)
                        yield record
                        deleted += 1
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
                if newest is not None:
                    kept["newest"] = newest
                apps[str(sdk_app_id)] = kept
        finally:
            client.stop()
            client.close()
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

    def _deletions(
        self, sdk_app_id: int, gone: list[str], before: int, settings: Settings, failures: Failures
    ) -> Iterator[dict[str, Any]]:
        if not gone:
            return
        if len(gone) > settings.max_deleted_share * before:
            failures.add(
                str(sdk_app_id),
                "too many gone",
                f"SdkAppId {sdk_app_id}: {len(gone)} of {before} {self.name} are no longer listed, more than "
                f"max_deleted_share ({settings.max_deleted_share:g}): none is marked deleted. If they were "
                "deleted, run once with a higher max_deleted_share",
            )
            return
        deleted_at = datetime.now(UTC).isoformat(timespec="seconds")
        for key in gone:
            yield {
                "SdkAppId": sdk_app_id,
                self.kind.key: self.kind.key_type(key),
                "_sdc_deleted_at": deleted_at,
            }


class SkillGroupsStream(DirectoryStream):
    name = "skill_groups"
    actions = ("DescribeSkillGroupInfoList",)
    primary_keys = ("SdkAppId", "SkillGroupId")
    kind = SKILL_GROUPS


class AgentsStream(DirectoryStream):
    name = "agents"
    actions = ("DescribeStaffInfoList",)
    primary_keys = ("SdkAppId", "Mail")
    kind = AGENTS
