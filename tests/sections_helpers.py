"""Configs for the sections, per-reader and what-changed tests: the bundled samples with three
sections, and the two-day developing-story fixture (tests/fixtures/developing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
DEVELOPING = REPO / "tests" / "fixtures" / "developing"
SECTIONS = [
    {"name": "Business", "sources": ["The Ledger Review"],
     "keywords": ["interest rate", "lease", "bakery"]},
    {"name": "Sport", "keywords": ["marathon", "cup", "semi-final"]},
    {"name": "Local", "sources": ["Local notes"], "keywords": ["Alderbury", "Merrow", "Northgate"]},
]


def sample_config(folder: Path, **extra: Any) -> Path:
    """The bundled samples' config (absolute source paths) with ``extra`` keys on top."""
    base = yaml.safe_load((REPO / "config.yaml").read_text())
    data = {
        **base,
        "sources": [{"name": s["name"], "url": str(REPO / s["url"])} for s in base["sources"]],
        "database": str(folder / "briefing.db"),
        "outbox": str(folder / "outbox"),
        **extra,
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def developing_config(folder: Path, **extra: Any) -> Path:
    """Three outlets: one reports a flood on 20 Nov, two report its rising toll on 21 Nov."""
    data = {
        "sources": [
            {"name": "Coast Wire", "url": str(DEVELOPING / "coast-wire")},
            {"name": "Harbour Post", "url": str(DEVELOPING / "harbour-post")},
            {"name": "Valley Courier", "url": str(DEVELOPING / "valley-courier")},
        ],
        "database": str(folder / "briefing.db"),
        "outbox": str(folder / "outbox"),
        "timezone": "UTC",
        **extra,
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def cli(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )
