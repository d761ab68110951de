"""Strip page furniture from article text, line by line. Pure.

Pages and feeds carry lines that are not part of the story: comment prompts, "Read more",
"N min read", "Show more", photo captions with credits, ads, author bios, "Related:" links,
share / subscribe widgets, datelines and repeated headlines. Headlines and captions that run
into the prose without a break are split off first so the rules can see them. The output keeps
the story's own lines verbatim, one paragraph per line, separated by blank lines.

No library does this line-level job on already-extracted text (trafilatura / jusText work on
the HTML tree), hence the rules below.
"""

from __future__ import annotations

import re

_DASH = r"[-–—]"

# A line that is entirely one of these is dropped.
_WIDGET = re.compile(
    r"""^(?:
        be\ the\ first\ to\ comment | leave\ a\ (?:reply|comment) | post\ a\ comment
      | \d+\ comments? | comments? | add\ (?:a\ )?comment | join\ the\ (?:conversation|discussion)
      | view\ comments | show\ comments | reply
      | read\ more | read\ full\ (?:story|article) | continue\ reading | keep\ reading
      | read\ the\ full\ (?:story|article) | click\ here\ to\ read\ more | see\ more
      | show\ (?:more|less) | load\ more | view\ more | more\ stories | more\ from\ .{1,40}
      | \d+\s*(?:min|mins|minute|minutes)\ read | reading\ time:?\ .{1,20}
      | advertisement | advertisements | sponsored(?:\ content)? | ad | ads | promoted
      | paid\ content | partner\ content | story\ continues\ below(?:\ advertisement)?
      | share(?:\ (?:this|on\ \w+|article|story|via\ \w+))? | tweet | email | print | copy\ link
      | facebook | twitter | x | linkedin | whatsapp | telegram | reddit | pinterest
      | subscribe | sign\ up | follow\ us.* | subscribe\ (?:to|for)\ .{0,80}
      | sign\ up\ (?:for|to)\ .{0,80} | get\ (?:our|the)\ (?:newsletter|daily\ briefing).{0,60}
      | newsletter | you\ may\ also\ like | recommended(?:\ for\ you)? | most\ read
      | trending(?:\ now)? | related(?:\ (?:articles|stories|posts|news|coverage))?:?
      | article\ image | image | photo | video | watch | listen | gallery | avatar
      | skip\ to\ (?:main\ )?content | back\ to\ top | advertise\ with\ us
      | scroll\ down\ for\ (?:video|more) | click\ (?:here\ )?to\ enlarge | watch\ the\ video
      | all\ rights\ reserved.* | ©.* | copyright\ ©?.*
    )[.!:…]*$""",
    re.IGNORECASE | re.VERBOSE,
)

_RELATED = re.compile(r"^(?:related|read\ also|see\ also|also\ read|more|read\ more)\s*:\s*\S",
                      re.IGNORECASE | re.VERBOSE)
_DATELINE = re.compile(
    r"^\|?\s*(?:published|updated|posted|last\ updated)(?:\ on)?:?\s+\S.{0,60}$",
    re.IGNORECASE | re.VERBOSE,
)
_BYLINE = re.compile(r"^(?i:by|written\ by|words\ by)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,4}$",
                     re.VERBOSE)
_SOURCES_HEAD = re.compile(r"^(?:sources?|references|via)\s*:", re.IGNORECASE)
_CREDIT_WORDS = (
    r"getty\ images|afp|reuters|ap\ photo|associated\ press|shutterstock|epa|anadolu|alamy"
    r"|photo|image|courtesy|credit|pool|xinhua|tass|sputnik|openstreetmaps?|file"
)
# A caption ends with a parenthesised credit: "(Jane Doe/AFP via Getty Images)".
_CREDIT_TAIL = re.compile(
    r"\((?:[^()]{0,60}[A-Za-z]\s?/\s?[A-Z][^()]{0,80}"
    r"|(?i:photo|image|picture|credit|courtesy|file)[^()]{0,100}"
    r"|[^()]{0,80}\b(?:Getty\ Images|Shutterstock|AFP|Reuters|REUTERS|AP\ Photo|Associated\ Press"
    r"|EPA|Alamy|Anadolu)\b[^()]{0,40})\)\s*$",
    re.VERBOSE,
)
_CREDIT_LINE = re.compile(
    rf"^(?:photo|image|picture|credit|photograph|photo\ credit|pictured)s?\s*(?::|by)\s+.{{1,120}}$"
    rf"|^.{{0,80}}(?:/\s*(?:{_CREDIT_WORDS})).{{0,40}}$",
    re.IGNORECASE | re.VERBOSE,
)
_AD_NAME = r"[A-Z][\w'’&]*(?:\ [A-Z&][\w'’&]*){1,3}"
# "Personal Alarms – Be heard in a crisis — ..." : a product name, a dash, a pitch.
_AD_PITCH = re.compile(
    rf"^(?![A-Z]+\ [A-Z]+\ ){_AD_NAME}\ {_DASH}\ [A-Z].{{5,100}}{_DASH}.{{1,80}}$",
    re.VERBOSE,
)
_OUTLET_ITEM = re.compile(rf"^[A-Z][A-Z .&]{{1,30}}\ {_DASH}\ \S.{{5,200}}$", re.VERBOSE)
_ROLE = re.compile(
    r"\b(?:editor|reporter|correspondent|journalist|writer|columnist|contributor|producer"
    r"|anchor|analyst|author|staff)\b",
    re.IGNORECASE,
)
_NAME = r"[A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|de|van|von|da|bin|al)){1,3}"
# "Jane Roe is a senior news editor at the Gazette." A person's name, not "The ...".
_BIO = re.compile(
    rf"^(?!The\ ){_NAME}\ is\ an?\ (?:[\w-]+\ ){{0,3}}(?:editor|reporter|correspondent"
    rf"|journalist|writer|columnist|contributor|producer|anchor)s?\ (?:at|for|with|of)\ ",
    re.VERBOSE,
)
_NAME_LINE = re.compile(rf"^{_NAME}$")
_SENTENCE_END = re.compile(r"[.!?…\"'”’)\]:;]$")
# Glue points: a credit "(... Getty Images)" or a headline running straight into prose.
_GLUED_CREDIT = re.compile(r"(\([^()]{2,120}\))(?=[A-Z][a-z])")
_GLUED_CASE = re.compile(r"[a-z\)]([A-Z][a-z]+\s)")


_COMMENTS = re.compile(r"^(?:be the first to comment|leave a (?:reply|comment))\b", re.I)
_BULLETS = "\u2022•·"


def _is_widget(line: str) -> bool:
    return bool(_WIDGET.match(line) or _RELATED.match(line) or _DATELINE.match(line))


def _is_caption(line: str) -> bool:
    return bool(_CREDIT_TAIL.search(line) or _CREDIT_LINE.match(line))


def _is_headline_like(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 25 and not _SENTENCE_END.search(line)


def _is_cut_teaser(line: str, previous: str) -> bool:
    """A long line stopping mid-word-run under a headline: another article's teaser card."""
    return (len(line.split()) >= 30 and bool(re.search(r"[a-z]$", line))
            and _is_headline_like(previous) and len(previous.split()) >= 5)


def _split_glued(line: str) -> list[str]:
    pieces: list[str] = []
    if ")" in line:
        line = _GLUED_CREDIT.sub(lambda m: m.group(1) + "\n", line)
    for part in line.split("\n"):
        match = _GLUED_CASE.search(part)
        # Only split where the left side is a headline: several words, no sentence end.
        while match:
            cut = match.start(1)
            if _is_glued_headline(part[:cut], part[cut:]):
                pieces.append(part[:cut].strip())
                part = part[cut:]
                match = _GLUED_CASE.search(part)
            else:
                match = _GLUED_CASE.search(part, cut)
        pieces.append(part.strip())
    return [p for p in pieces if p]


def _is_glued_headline(left: str, right: str) -> bool:
    """``left`` ends where a capital follows without a space: a headline that ran into prose,
    not a CamelCase name ("DeepState", "YouTube", "AirPods") inside a line."""
    words = left.split()
    if len(words) < 4 or re.search(r"[.!?]", left):
        return False
    if len(right.split()) < 6 or not re.search(r"[.!?]", right):
        return False
    last = re.sub(r"^\W+", "", words[-1])
    if re.fullmatch(r"[a-z]{2,}|.*\)", last):
        return True
    capitalised = sum(1 for w in words if w[:1].isupper())
    return len(words) >= 5 and capitalised >= 0.7 * len(words)


def _unbullet(line: str) -> str:
    line = " ".join(line.split())
    while line[:1] in _BULLETS and line:
        line = line[1:].lstrip()
    return line


def _normalise(line: str) -> str:
    return re.sub(r"\W+", " ", line).strip().lower()


def clean_text(text: str) -> str:
    """The story's own lines of ``text``, page furniture removed; lines kept verbatim."""
    raw_lines = [_unbullet(ln) for ln in text.replace("\r", "\n").split("\n")]
    lines: list[str] = []
    for ln in raw_lines:
        if ln:
            lines.extend(_split_glued(ln))

    kept: list[str] = []
    seen: set[str] = set()
    skip_block = False
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if skip_block:
            # A sources / reference list runs until a line that reads like prose again.
            if _OUTLET_ITEM.match(line) or _is_headline_like(line):
                continue
            skip_block = False
        if _SOURCES_HEAD.match(line):
            skip_block = True
            continue
        # An author bio in the second half closes the article; what follows is page chrome.
        in_tail = i >= len(lines) // 2
        if _BIO.match(line):
            if in_tail:
                break
            continue
        if in_tail and _NAME_LINE.match(line) and nxt and len(nxt.split()) <= 5 \
                and _ROLE.search(nxt):
            break
        if _COMMENTS.match(line):
            break
        if _is_widget(line) or _is_caption(line) or _AD_PITCH.match(line) or _BYLINE.match(line):
            continue
        previous = lines[i - 1] if i else ""
        if _is_cut_teaser(line, previous):
            if kept and kept[-1] == previous:
                kept.pop()
            continue
        headline = _is_headline_like(line)
        key = _normalise(line) if headline or len(kept) < 3 else ""
        if headline:
            if key in seen:
                continue
            # A headline repeated with a longer variant on the next line: keep the longer one.
            if nxt and _normalise(nxt).startswith(key) and _is_headline_like(nxt):
                continue
            # Short section labels or breadcrumbs before the headline ("News Russia").
            if not kept and len(line.split()) <= 3 and nxt and _is_headline_like(nxt):
                continue
        if len(kept) < 3:
            # Only the title area repeats itself; repeated lines further down are content.
            seen.add(key)
        kept.append(line)
    return "\n\n".join(kept)
