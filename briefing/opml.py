"""``briefing sources import FILE.opml``: add an OPML subscription list to config.yaml.

The feeds go into the config file's ``sources`` list, not the database: config.yaml is where a
user lists what they follow (DESIGN.md) and the only place the pipeline reads sources from, so
an imported feed can be read, renamed or removed there like any other. The file is edited
round-trip with ruamel.yaml so the user's comments, order and layout survive, validated before
it is written, and replaced atomically. Feeds already listed (same URL) and non-http(s) URLs
are skipped and logged.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import listparser
import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .config import Config, parse_config
from .errors import ConfigError, InputError
from .models import Source
from .outbox import atomic_write

log = logging.getLogger("briefing.opml")

MAX_OPML_BYTES = 5 * 1024 * 1024


def read_opml(opml_path: str | Path) -> list[Source]:
    """The http(s) feeds an OPML file lists, in document order, without repeats."""
    path = Path(opml_path)
    try:
        with path.open("rb") as handle:
            body = handle.read(MAX_OPML_BYTES + 1)
    except OSError as err:
        raise InputError(f"{path}: cannot read OPML file ({err.strerror or err})") from None
    if len(body) > MAX_OPML_BYTES:
        raise InputError(f"{path}: OPML file larger than {MAX_OPML_BYTES} bytes")
    # Bytes, never a str: given a string, listparser would fetch it as a URL.
    parsed = listparser.parse(body)
    if not parsed.get("version") and not parsed.get("feeds"):
        problem = parsed.get("bozo_exception") or "no <opml> document"
        raise InputError(f"{path}: not an OPML subscription list ({problem})")
    sources: list[Source] = []
    seen: set[str] = set()
    for feed in parsed.get("feeds", []):
        url = str(feed.get("url") or "").strip()
        if not url.lower().startswith(("http://", "https://")):
            log.warning("%s: skipping %r: only http(s) feeds are imported", path, url[:200])
            continue
        if url in seen:
            continue
        seen.add(url)
        name = " ".join(str(feed.get("title") or "").split()) or _host(url)
        sources.append(Source(name=name, url=url))
    return sources


def _host(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[0] or url


def import_opml(opml_path: str | Path, config: Config) -> list[Source]:
    """Append the OPML file's feeds that ``config`` does not list yet to its config file;
    returns the sources added (an empty list leaves the file untouched)."""
    if config.path is None:
        raise ConfigError("sources import needs a config file to write to")
    candidates = read_opml(opml_path)
    known = {s.url.strip() for s in config.sources}
    added = [s for s in candidates if s.url not in known]
    for skipped in (s for s in candidates if s.url in known):
        log.info("already listed: %s", skipped.url)
    if not added:
        return []
    _append_sources(config.path, added)
    return added


def _append_sources(path: Path, sources: list[Source]) -> None:
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    try:
        text = path.read_text(encoding="utf-8")
        data: Any = rt.load(text)
    except OSError as err:
        raise ConfigError(f"{path}: cannot read config file ({err.strerror})") from None
    except YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML ({err})") from None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise ConfigError(f"{path}: the file must hold a mapping of keys")
    listed = data.get("sources")
    if listed is None:
        listed = CommentedSeq()
        data["sources"] = listed
    if not isinstance(listed, list):
        raise ConfigError(f"{path}: sources: must be a list")
    for source in sources:
        entry = CommentedMap()
        entry["name"] = source.name
        entry["url"] = source.url
        listed.append(entry)
    out = io.StringIO()
    rt.dump(data, out)
    new_text = out.getvalue()
    # Refuse to write a file the loader would reject.
    parse_config(yaml.safe_load(new_text), path)
    atomic_write(path, new_text.encode("utf-8"), mode=path.stat().st_mode & 0o777)


