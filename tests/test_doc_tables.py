"""README's settings, streams and CAM tables and docs/state.md's keys are made from the code."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("doc_tables", ROOT / "scripts" / "doc_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_generated_table_in_the_docs_is_what_the_code_declares_now():
    assert _script().main(["--check"]) == 0


def test_a_table_edited_by_hand_is_caught(monkeypatch, tmp_path):
    script = _script()
    readme = tmp_path / "README.md"
    readme.write_text(
        script.README.read_text(encoding="utf-8").replace("| `max_attempts` | `5` |", "| `max_attempts` | `6` |")
    )
    monkeypatch.setattr(script, "TABLES", {readme: script.TABLES[script.README]})
    monkeypatch.setattr(script, "ROOT", tmp_path)
    assert script.main(["--check"]) == 1


def test_the_streams_table_has_a_row_for_every_stream_with_its_keys_and_parent():
    table = _script().streams_table()
    assert table.count("\n| `") == 10
    assert "| `agent_status_history` | `SdkAppId`, `StaffUserId`, `Timestamp`, `Status` | no |" in table
    assert "| task | `DescribeAutoCalloutTasks`, `DescribeAutoCalloutTask`, `DescribeTelCdr` |" in table
