from __future__ import annotations

from pathlib import Path

import pytest

from briefing.config import load_config
from briefing.errors import InputError
from briefing.models import Source
from briefing.opml import import_opml, read_opml

OPML = """<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="World">
      <outline type="rss" text="Harbour Gazette" xmlUrl="https://gazette.example/rss.xml"/>
      <outline type="rss" text="Valley   Times" xmlUrl="http://valley.example/feed"/>
    </outline>
    <outline type="rss" text="Already here" xmlUrl="https://known.example/feed"/>
    <outline type="rss" text="Local file" xmlUrl="file:///etc/passwd"/>
    <outline type="rss" xmlUrl="https://untitled.example/atom"/>
    <outline type="rss" text="Duplicate" xmlUrl="https://gazette.example/rss.xml"/>
  </body>
</opml>
"""

CONFIG = """# My briefing
timezone: Europe/Paris   # where I live
sources:
  # hand-picked
  - name: Known
    url: https://known.example/feed
database: briefing.db
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML, encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return opml, config


def test_read_opml_keeps_http_feeds_in_order(files: tuple[Path, Path]) -> None:
    opml, _ = files
    assert read_opml(opml) == [
        Source("Harbour Gazette", "https://gazette.example/rss.xml"),
        Source("Valley Times", "http://valley.example/feed"),
        Source("Already here", "https://known.example/feed"),
        Source("untitled.example", "https://untitled.example/atom"),
    ]


def test_import_appends_new_feeds_and_keeps_comments(files: tuple[Path, Path]) -> None:
    opml, config_path = files
    added = import_opml(opml, load_config(config_path))
    assert [s.url for s in added] == [
        "https://gazette.example/rss.xml", "http://valley.example/feed",
        "https://untitled.example/atom"]
    text = config_path.read_text(encoding="utf-8")
    assert "# My briefing" in text and "# where I live" in text and "# hand-picked" in text
    reloaded = load_config(config_path)
    assert [s.url for s in reloaded.sources] == [
        "https://known.example/feed", *[s.url for s in added]]
    assert reloaded.timezone == "Europe/Paris"
    assert import_opml(opml, reloaded) == []
    assert config_path.read_text(encoding="utf-8") == text


def test_import_into_config_without_sources(tmp_path: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML, encoding="utf-8")
    config_path = tmp_path / "config.yaml"
    config_path.write_text("window_hours: 12\n", encoding="utf-8")
    added = import_opml(opml, load_config(config_path))
    assert len(added) == 4
    assert len(load_config(config_path).sources) == 4


@pytest.mark.parametrize("content", [b"", b"not xml at all", b"<html><body>hi</body></html>"])
def test_bad_opml_is_an_input_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.opml"
    path.write_bytes(content)
    with pytest.raises(InputError, match="not an OPML"):
        read_opml(path)
    with pytest.raises(InputError, match="cannot read"):
        read_opml(tmp_path / "missing.opml")
