"""Copy the generated plugin definition's settings into meltano.yml's extractor, so both say the same.

    python scripts/plugin_definition.py > plugins/extractors/tap-ccc-campaign--tap-ccc-campaign.yml
    python scripts/sync_meltano_settings.py

Edits the text in place (keeping meltano.yml's comments): the block from the extractor's
`settings_group_validation:` up to its `select:`.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFINITION = ROOT / "plugins/extractors/tap-ccc-campaign--tap-ccc-campaign.yml"
PROJECT = ROOT / "meltano.yml"


def main() -> None:
    definition = yaml.safe_load(DEFINITION.read_text())
    text = PROJECT.read_text()
    start = text.index("    settings_group_validation:\n")
    end = text.index("    select:\n", start)
    block = yaml.safe_dump(
        {k: definition[k] for k in ("settings_group_validation", "settings")},
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    indented = "".join(f"    {line}\n" if line else "\n" for line in block.splitlines())
    PROJECT.write_text(text[:start] + indented + text[end:])


if __name__ == "__main__":
    main()
