"""Article pages -> main text with trafilatura, and the test for "this entry is only a teaser".

Pure: the caller fetches the page (under the same limits as feeds) and hands over the bytes.
The trafilatura settings (comments off, tables on, favour recall, no fallback extractors) scored
best on ScrapingHub's benchmark: see bench/extraction.py and bench/results/extraction.txt.
"""

from __future__ import annotations

import re

import lxml.html
import trafilatura
from lxml import etree

TEASER_CHARS = 600

_CUT_MARK = re.compile(
    r"(?:\.\.\.|…|\[(?:\.\.\.|…)\]|\[more\]|\(more\)|read more|continue reading|keep reading"
    r"|read the (?:full|rest).*|the post .* appeared first on .*)\W*$",
    re.IGNORECASE,
)


def is_teaser(text: str) -> bool:
    """True when a feed entry carries only the start of an article: short, or visibly cut."""
    stripped = text.strip()
    if len(stripped) < TEASER_CHARS:
        return True
    last = stripped.rsplit("\n", 1)[-1]
    return bool(_CUT_MARK.search(last))


def extract_text(html: bytes | str, url: str | None = None) -> str | None:
    """Main text of an article page, paragraphs on their own lines; None when nothing usable."""
    if not html:
        return None
    try:
        text = trafilatura.extract(
            html,
            url=url,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
            favor_recall=True,
            fast=True,
        )
    except (ValueError, TypeError, etree.LxmlError):
        return None
    if not text or not text.strip():
        return None
    return str(text).strip()


def html_title(html: bytes | str) -> str:
    """The page's <title> (or first <h1>), whitespace collapsed; '' when there is none."""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for path in ("//title", "//h1"):
        for element in root.xpath(path):
            text = " ".join(element.text_content().split())
            if text:
                return text
    return ""
