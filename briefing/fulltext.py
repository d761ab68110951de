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


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?"
_CLOCK = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?-i:[A-Z]{2,4}|GMT[+-]?\d*|UTC[+-]?\d*)\b)?"
_DATE = (
    rf"(?:{_DAY}\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})(?:(?:,|\s+at|\s*[-–—|])?\s+{_CLOCK})?"
)
# "Published 3 March 2026, 09:14", "Updated: Mar 3, 2026 9:14 am EST", or a bare date.
_DATELINE = re.compile(
    rf"^(?:(?:first\s+)?(?:published|updated|posted|last\s+updated|last\s+modified)"
    rf"(?:\s+on)?:?\s+)?{_DATE}\s*[|·•,]?(?=\s|$)",
    re.IGNORECASE,
)
_BYLINE_NAME = r"[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|da|al|bin))*"
# "By Staff", "By Jane Roe and John Doe", "By Jane Roe, Reporter": at most six words of name.
_BYLINE = re.compile(
    rf"^(?i:by|written\s+by|words\s+by)\s+{_BYLINE_NAME}"
    rf"(?:\s*(?:,|and|&)\s*{_BYLINE_NAME})*(?:\s*[|·•,]\s*(?=[A-Z]))?(?=\s|$)"
)
MAX_BYLINE_WORDS = 8


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def page_headlines(html: bytes | str) -> list[str]:
    """What the page calls its own headline: its <h1>s, og:/twitter: titles and <title>, with
    the <title>'s site-name suffix ("... | Esk Herald") cut off too; longest first."""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    found: set[str] = set()
    texts = [e.text_content() for e in root.xpath("//h1|//title")]
    texts += root.xpath(
        "//meta[@property='og:title' or @name='twitter:title' or @name='title']/@content"
    )
    for text in texts:
        text = _squeeze(str(text))
        if len(text.split()) >= 2:
            found.add(text)
            for piece in re.split(r"\s+[|–—-]\s+|\s*[|]\s*", text):
                if len(piece.split()) >= 3:
                    found.add(piece.strip())
    return sorted(found, key=lambda t: (-len(t), t))


def strip_page_head(text: str, headlines: list[str]) -> str:
    """``text`` without the page's own headline, byline and dateline at its start, whether
    they stand on lines of their own or run into the first sentence ("Esk council approves
    new cycle lanes By Staff Published 3 March 2026 Esk town council voted ...")."""
    folded = [h.casefold() for h in headlines]
    rest = text.lstrip()
    stripped_head = False
    while rest:
        line_end = rest.find("\n")
        line = rest if line_end < 0 else rest[:line_end]
        cut = _head_piece(line, folded, stripped_head)
        if cut is None:
            break
        stripped_head = True
        rest = (line[cut:] + ("" if line_end < 0 else rest[line_end:])).lstrip(" \t|·•,-–—\n")
    return rest


def _head_piece(line: str, headlines: list[str], after_head: bool) -> int | None:
    """Where a leading headline, byline or dateline of ``line`` ends; None when it has none.
    A byline is taken only on a line of its own, after a headline, or before a dateline, so
    a sentence opening "By Tuesday the council ..." keeps its words."""
    squeezed = line.casefold()
    for headline in headlines:
        if squeezed.startswith(headline) and (
            len(line) == len(headline) or not line[len(headline)].isalnum()
        ):
            return len(headline)
    match = _DATELINE.match(line)
    if match:
        return match.end()
    match = _BYLINE.match(line)
    if match and len(match.group(0).split()) <= MAX_BYLINE_WORDS:
        rest = line[match.end() :].strip()
        if not rest or after_head or _DATELINE.match(rest):
            return match.end()
    return None


def extract_text(
    html: bytes | str, url: str | None = None, *, keep_page_head: bool = False
) -> str | None:
    """Main text of an article page, paragraphs on their own lines; None when nothing usable.
    The page's own headline, byline and dateline are not part of it (see strip_page_head)
    unless ``keep_page_head``."""
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
    if keep_page_head:
        return str(text).strip()
    return strip_page_head(str(text), page_headlines(html)).strip() or None


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
