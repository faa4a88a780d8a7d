"""Screenshots of the dashboard's pages for README, in Debian's Chromium, from the demo's warehouse.

    bash scripts/demo.sh && .venv/bin/python scripts/dashboard_screenshots.py [WAREHOUSE] [FOLDER]

WAREHOUSE defaults to output/warehouse.duckdb and FOLDER to docs/dashboard; the campaign page shows
the campaign with the most calls.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from tests.browser import PAGES, Page, chromium, dashboard  # noqa: E402


def main() -> None:
    warehouse = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "output/warehouse.duckdb").resolve()
    folder = Path(sys.argv[2] if len(sys.argv) > 2 else ROOT / "docs/dashboard")
    folder.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as db:
        (key,) = db.execute(
            "select campaign_key from analytics.ccc_campaign_performance order by calls desc, campaign_id limit 1"
        ).fetchone()
    with dashboard(warehouse) as url, chromium() as browser:
        page = Page(browser, url)
        for name, charts in PAGES.items():
            page.open(f"page={name}" + (f"&campaign={key}" if name == "campaign" else ""), charts)
            page.screenshot(folder / f"{name}.png")
            print(folder / f"{name}.png")
        if page.errors:
            sys.exit("\n".join(page.errors))


if __name__ == "__main__":
    main()
