"""Per-reader editions benchmark: the build time of a day with 300 recipients.

The bundled samples with three sections, built as of the demo time, for two recipient lists:

- one selection: 300 plain addresses (everyone gets the whole briefing);
- three selections: 100 plain addresses, 100 who take only Business, 100 who take Sport and
  Local capped at 3 stories.

Each case runs the build as ``briefing run --no-send`` does (group, summarise, render HTML, text,
JSON and PDF, render each further edition once, write one .eml per recipient) on its own copy
of the database, three times; the median is reported. Prints a table; the last line is one JSON
object (bench/run_all.py collects it).
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from briefing import deliver, pipeline  # noqa: E402
from briefing.config import Config, load_config  # noqa: E402
from briefing.store import Store  # noqa: E402

AS_OF = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 21, 7, 5, tzinfo=UTC)
RECIPIENTS = 300
RUNS = 3
SECTIONS = [
    {"name": "Business", "sources": ["The Ledger Review"],
     "keywords": ["interest rate", "lease", "bakery"]},
    {"name": "Sport", "keywords": ["marathon", "cup", "semi-final"]},
    {"name": "Local", "sources": ["Local notes"], "keywords": ["Alderbury", "Merrow", "Northgate"]},
]


def recipients(kind: str) -> list[Any]:
    if kind == "one selection":
        return [f"reader{i}@example.net" for i in range(RECIPIENTS)]
    third = RECIPIENTS // 3
    return (
        [f"all{i}@example.net" for i in range(third)]
        + [{"address": f"biz{i}@example.net", "sections": ["Business"]} for i in range(third)]
        + [{"address": f"fan{i}@example.net", "sections": ["Sport", "Local"], "max_stories": 3}
           for i in range(RECIPIENTS - 2 * third)]
    )


def make_config(folder: Path, to: list[Any]) -> Config:
    base = yaml.safe_load((REPO / "config.yaml").read_text())
    data = {
        **base,
        "sources": [{"name": s["name"], "url": str(REPO / s["url"])} for s in base["sources"]],
        "database": "briefing.db", "outbox": "outbox", "sections": SECTIONS,
        "email": {"from": "desk@example.org", "to": to, "security": "none"},
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.yaml").write_text(yaml.safe_dump(data))
    return load_config(folder / "config.yaml")


def build_once(config: Config, seed_db: Path) -> dict[str, float | int]:
    shutil.copy(seed_db, config.database)
    shutil.rmtree(config.outbox, ignore_errors=True)
    with Store(config.database) as store:
        t0 = time.perf_counter()
        briefing = pipeline.build_briefing(config, store, AS_OF)
        t1 = time.perf_counter()
        files = pipeline.render_files(config, briefing)
        t2 = time.perf_counter()
        content = deliver.mail_content(config, briefing, files)
        editions = pipeline.edition_contents(config, briefing, content, store=store)
        t3 = time.perf_counter()
        files.update(deliver.message_files(config, store, content, NOW, editions.contents))
        pipeline.write_outbox(config, briefing, files)
        t4 = time.perf_counter()
    return {
        "editions": len({id(c) for c in editions.contents.values()}),
        "emls": len(list(config.outbox.rglob("mail/*.eml"))),
        "group_s": t1 - t0, "render_full_s": t2 - t1, "render_editions_s": t3 - t2,
        "messages_s": t4 - t3, "total_s": t4 - t0,
    }


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        seed = make_config(root / "seed", [])
        with Store(seed.database) as store:
            pipeline.collect(seed, store, NOW)
        for kind in ("one selection", "three selections"):
            config = make_config(root / kind.replace(" ", "-"), recipients(kind))
            runs = [build_once(config, seed.database) for _ in range(RUNS)]
            row: dict[str, Any] = {"case": kind, "recipients": RECIPIENTS}
            for key in runs[0]:
                values = [r[key] for r in runs]
                row[key] = (round(statistics.median(values), 3) if key.endswith("_s")
                            else values[0])
            rows.append(row)
    print(f"## Build of a {RECIPIENTS}-recipient day (samples, 3 sections; median of {RUNS})")
    keys = ["editions", "emls", "group_s", "render_full_s", "render_editions_s", "messages_s",
            "total_s"]
    print(f"{'case':<18}" + "".join(f"{k:>18}" for k in keys))
    for row in rows:
        print(f"{row['case']:<18}" + "".join(f"{row[k]!s:>18}" for k in keys))
    print(json.dumps({"recipients": RECIPIENTS, "cases": rows}))


if __name__ == "__main__":
    main()
