"""Write the docs' tables from the code, so they cannot drift from it.

README's settings come from the config schema (what `--about` prints), its streams and CAM
actions from each stream's declaration, docs/state.md's keys from the state's declared shapes
(state/shapes.py). Each table sits between two markers:

    <!-- BEGIN settings: scripts/doc_tables.py --> ... <!-- END settings -->

`python scripts/doc_tables.py` rewrites them; `--check` exits 1 when a file differs (a test runs it).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
STATE_DOC = ROOT / "docs" / "state.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(spec: dict[str, Any]) -> str:
    if "default" not in spec:
        return ""
    return f"`{json.dumps(spec['default'])}`" if not isinstance(spec["default"], str) else f"`{spec['default']}`"


def settings_table() -> str:
    # From the declarations themselves: singer-sdk adds its own settings to the schema in place.
    from tap_ccc_campaign.config.schema import DECLARED

    rows = ["| Setting | Default | What it does |", "|---|---|---|"]
    for name, spec in DECLARED.items():
        sensitive = " Sensitive." if spec.get("secret") else ""
        text = " ".join(spec["description"].split())
        rows.append(f"| `{name}` | {_default(spec)} | {_cell(text)}{sensitive} |")
    return "\n".join(rows)


def _streams() -> list[Any]:
    from tap_ccc_campaign.streams import STREAMS

    return list(STREAMS)


def streams_table() -> str:
    rows = [
        "| Stream | Key properties | Selected by default | One record per | Parent | Actions |",
        "|---|---|---|---|---|---|",
    ]
    for stream in _streams():
        keys = ", ".join(f"`{k}`" for k in stream.primary_keys)
        default = "yes" if stream.selected_by_default else "no"
        actions = ", ".join(f"`{a}`" for a in stream.actions) or "the campaign list, no extra call"
        rows.append(f"| `{stream.name}` | {keys} | {default} | {stream.record_per} | {stream.parent} | {actions} |")
    return "\n".join(rows)


def cam_table() -> str:
    rows = ["| Stream | CAM actions it calls |", "|---|---|"]
    for stream in _streams():
        rows.append(f"| `{stream.name}` | {', '.join(f'`ccc:{a}`' for a in stream.actions)} |")
    return "\n".join(rows)


def state_table() -> str:
    from tap_ccc_campaign.state import shapes
    from tap_ccc_campaign.streams import state_shapes

    return shapes.table(state_shapes())


TABLES = {
    README: {"settings": settings_table, "streams": streams_table, "cam": cam_table},
    STATE_DOC: {"state": state_table},
}


def rendered(path: Path, text: str) -> str:
    for name, make in TABLES[path].items():
        pattern = re.compile(
            rf"(<!-- BEGIN {name}: scripts/doc_tables.py -->\n)(.*?)(\n *<!-- END {name} -->)", re.DOTALL
        )
        found = pattern.search(text)
        if found is None:
            raise SystemExit(f"{path.name}: no markers for the {name} table")
        indent = re.match(r" *", found.group(3).lstrip("\n")).group(0)  # a table inside a list item keeps its indent
        table = "\n".join(indent + line for line in make().splitlines())
        text = text[: found.start(2)] + table + text[found.end(2) :]
    return text


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    differ = []
    for path in TABLES:
        text = path.read_text(encoding="utf-8")
        new = rendered(path, text)
        if new != text:
            differ.append(path.relative_to(ROOT).as_posix())
            if "--check" not in argv:
                path.write_text(new, encoding="utf-8")
    if differ and "--check" in argv:
        print(f"{', '.join(differ)}: tables differ from the code: run python scripts/doc_tables.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
