"""Give a DuckDB warehouse loaded before the integer widths its BIGINT/INTEGER columns, keeping every row.

    .meltano/loaders/target-duckdb/venv/bin/python scripts/migrate_duckdb_widths.py FILE [SCHEMA]

Before the schemas bounded their integers, target-duckdb created HUGEINT columns. Given the bounded
schemas it would rename each such column to NAME_YYYYMMDD_HHMM and add a new, empty one, which
breaks the key columns. This rebuilds each of the tap's tables once, with the types the schemas
now give, the same primary key and every row, in one transaction per table; a table already right
is left alone, so running it twice is harmless. Run it with the loader's own Python, so the file
is written by the DuckDB version that loads it. Standalone on purpose: that Python has no tap.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
INT32_MAX = 2**31 - 1


def widths(stream: str) -> dict[str, str]:
    """The column type target-duckdb gives each top-level integer property of the stream's schema."""
    properties = json.loads((SCHEMAS / f"{stream}.json").read_text(encoding="utf-8"))["properties"]
    return {
        name.lower(): "INTEGER" if spec["maximum"] <= INT32_MAX else "BIGINT"
        for name, spec in properties.items()
        if "integer" in spec.get("type", []) and "maximum" in spec
    }


def migrate_table(db: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    """Rebuild one table if any of its columns is HUGEINT where the schema now says otherwise."""
    want = widths(table)
    columns = db.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    changed = {name: want[name.lower()] for name, kind in columns if kind == "HUGEINT" and name.lower() in want}
    if not changed:
        return []
    key = db.execute(
        "select constraint_column_names from duckdb_constraints() "
        "where schema_name = ? and table_name = ? and constraint_type = 'PRIMARY KEY'",
        [schema, table],
    ).fetchone()
    definitions = [f'"{name}" {changed.get(name, kind)}' for name, kind in columns]
    if key:
        definitions.append("primary key (" + ", ".join(f'"{name}"' for name in key[0]) + ")")
    values = ", ".join(f'cast("{name}" as {changed[name]})' if name in changed else f'"{name}"' for name, _ in columns)
    new, old = f'"{schema}"."{table}__widths"', f'"{schema}"."{table}"'
    db.execute("begin transaction")
    db.execute(f"create table {new} ({', '.join(definitions)})")
    db.execute(f"insert into {new} select {values} from {old}")
    db.execute(f"drop table {old}")
    db.execute(f'alter table {new} rename to "{table}"')
    db.execute("commit")
    return [f"{table}.{name}: HUGEINT -> {kind}" for name, kind in changed.items()]


def main(path: str, schema: str = "ccc") -> None:
    streams = sorted(p.stem for p in SCHEMAS.glob("*.json"))
    with duckdb.connect(path) as db:
        present = {row[0] for row in db.execute(
            "select table_name from information_schema.tables where table_schema = ?", [schema]
        ).fetchall()}  # fmt: skip
        changes = [change for table in streams if table in present for change in migrate_table(db, schema, table)]
    print("\n".join(changes) if changes else f"{path}: every column already has its width; nothing to do")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit("usage: " + __doc__.strip().splitlines()[2].strip())
    main(*sys.argv[1:])
