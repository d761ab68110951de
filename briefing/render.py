"""Render a Briefing as email-ready HTML, plain text and PDF.

The templates see a small view of the briefing built here (outlet names resolved, links
checked, times in the reader's zone), so they hold layout only. Email and PDF share one story
structure (``templates/_story.html.j2``); only the stylesheets differ.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

from .errors import RenderError
from .models import Article, Briefing, Claim, FigureSet, StoryBrief
from .resources import templates_dir

log = logging.getLogger(__name__)

TEMPLATES_DIR = templates_dir()
# The PDF worker runs as ``python -m briefing.pdf_worker`` from the folder that holds the package.
_IMPORT_ROOT = Path(__file__).resolve().parents[1]
_PAGE_SIZES = ("A4", "Letter")
_LINK_SCHEMES = {"http", "https"}
_UNSHOWABLE = re.compile(
    r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_TEXT_WIDTH = 76
EMAIL_MAX_BYTES = 102 * 1024
NEW_CLAIMS_SHOWN = 3


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None
    number: int = 0


@dataclass(frozen=True)
class SentenceView:
    text: str
    source: Link


@dataclass(frozen=True)
class ClaimView:
    actor: str
    verb: str
    text: str
    quote: str
    quoted: bool
    said: str
    lead: str
    cited: str
    """the actor as it reads after "According to" ("the report")"""
    stance: str
    origins: int
    single_source: bool
    disputed: bool
    sources: tuple[Link, ...]


@dataclass(frozen=True)
class DisputeView:
    kind: str
    claim: ClaimView
    counters: tuple[ClaimView, ...]


@dataclass(frozen=True)
class FigureValueView:
    text: str
    source: Link


@dataclass(frozen=True)
class FigureView:
    quantity: str
    values: tuple[FigureValueView, ...]
    disagree: bool
    span: str

    @property
    def heading(self) -> str:
        if self.disagree:
            return f"NUMBERS DIFFER: {self.quantity}"
        return f"NUMBERS AGREE: {self.quantity} ({self.span})"


@dataclass(frozen=True)
class MovedValue:
    text: str
    sources: tuple[Link, ...]


@dataclass(frozen=True)
class MoveView:
    """A figure that moved: the earlier briefing's wording(s), then today's with their sources."""

    quantity: str
    before: tuple[str, ...]
    after: tuple[MovedValue, ...]


@dataclass(frozen=True)
class ChangesView:
    since_label: str
    since_date: str
    url: str
    new_sources: tuple[str, ...]
    new_claims: tuple[ClaimView, ...]
    figures: tuple[MoveView, ...]
    more_claims: int = 0
    """New claims not repeated here (the Key claims block below lists them)."""


@dataclass(frozen=True)
class ArticleView:
    number: int
    outlet: str
    title: str
    url: str | None
    published: str


@dataclass(frozen=True)
class StoryView:
    number: int
    anchor: str
    headline: str
    developing: bool
    sources: int
    origins: int
    summary: tuple[SentenceView, ...]
    claims: tuple[ClaimView, ...]
    key_claims: tuple[ClaimView, ...]
    disputes: tuple[DisputeView, ...]
    figures: tuple[FigureView, ...]
    articles: tuple[ArticleView, ...]
    why_terms: tuple[str, ...]
    similarity: str
    section: str | None = None
    section_first: bool = False
    changes: ChangesView | None = None


@dataclass(frozen=True)
class SectionGroup:
    """Consecutive stories of one section (``name`` None when the briefing has no sections)."""

    name: str | None
    stories: tuple[StoryView, ...]


@dataclass(frozen=True)
class BriefingView:
    title: str
    date_label: str
    window_label: str
    timezone: str
    preheader: str
    stories: tuple[StoryView, ...]
    page_size: str
    omitted: tuple[StoryView, ...] = ()

    @property
    def extras(self) -> bool:
        """Whether sections or what-changed blocks are shown (they bring their own styles)."""
        return any(s.section or s.changes for s in (*self.stories, *self.omitted))

    @property
    def groups(self) -> tuple[SectionGroup, ...]:
        """The shown stories by section, for the contents lists."""
        groups: list[SectionGroup] = []
        for story in self.stories:
            if groups and groups[-1].name == story.section:
                groups[-1] = replace(groups[-1], stories=(*groups[-1].stories, story))
            else:
                groups.append(SectionGroup(story.section, (story,)))
        return tuple(groups)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["plural"] = _plural
    return env


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def safe_url(url: str) -> str | None:
    """``url`` when it is an absolute http(s) link a reader can follow, else None."""
    url = url.strip()
    if _UNSHOWABLE.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _LINK_SCHEMES or not parts.netloc:
        return None
    return url


_UTC = ZoneInfo("UTC")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r in briefing; showing times in UTC", name)
        return _UTC


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_UTC)
    return moment.astimezone(zone)


def _date_label(value: str) -> str:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day:%A} {day.day} {day:%B %Y}"


def _window_label(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    a, b = _local(start, zone), _local(end, zone)
    left = f"{a:%a} {a.day} {a:%b} {a:%H:%M}"
    right = f"{b:%H:%M}" if a.date() == b.date() else f"{b:%a} {b.day} {b:%b} {b:%H:%M}"
    return f"{left} – {right}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0")


def _figure_span(figure: FigureSet) -> str:
    """The stated numbers as a range ("10,000–14,000"), or the one number all give."""
    points = [v.value for v in figure.values]
    points += [v.high for v in figure.values if v.qualifier == "between"]
    low, high = min(points), max(points)
    text = _number(low) if low == high else f"{_number(low)}–{_number(high)}"
    return text + "%" if any(v.unit == "%" for v in figure.values) else text


def _clean(text: str) -> str:
    """One line of displayable text: whitespace collapsed; control characters (a terminal escape
    in the text part), direction overrides and lone surrogates taken out."""
    return " ".join(_UNSHOWABLE.sub("", text).split())


def _quoted(text: str) -> str:
    """``text`` in curly quotes, unless it already opens with a quotation mark of its own."""
    return text if text[:1] in "\"“‘'«" else f"“{text}”"


# Reported speech is shown as "X said <the article's words>"; a verb whose object was cut off
# with the speaker's audience ("told reporters that ...") reads as "said" there.
_REPORTED_VERBS = {"told": "said", "tells": "says", "informed": "said", "informs": "says"}


def _said(verb: str, quoted: bool) -> str:
    """The verb shown after the actor: 'said:' before a quotation, 'said' before the article's
    own wording of what was said."""
    return f"{verb}:" if quoted else _REPORTED_VERBS.get(verb, verb)


def _lead(actor: str, verb: str, quoted: bool) -> str:
    """What comes before a claim's words: 'X said:', 'X said' or 'According to X,'."""
    if verb == "according to":
        return f"According to {_mid_sentence(actor)},"
    return f"{actor} {_said(verb, quoted)}"


def _mid_sentence(actor: str) -> str:
    """'The report' read after 'According to': the article in lower case."""
    first, _, rest = actor.partition(" ")
    return f"{first.lower()} {rest}" if rest and first in {"The", "A", "An"} else actor


class _StoryBuilder:
    """Resolves one StoryBrief's ids and indexes into a StoryView, skipping what is broken."""

    def __init__(self, brief: StoryBrief, number: int, zone: ZoneInfo, time_format: str) -> None:
        self.brief = brief
        self.number = number
        self.zone = zone
        self.time_format = time_format
        ordered = sorted(
            brief.story.articles, key=lambda a: (_local(a.published, _UTC), a.source, a.id)
        )
        self.articles: dict[str, Article] = {}
        self.numbers: dict[str, int] = {}
        for article in ordered:
            if article.id not in self.articles:
                self.articles[article.id] = article
                self.numbers[article.id] = len(self.numbers) + 1

    def link(self, article_id: str) -> Link | None:
        article = self.articles.get(article_id)
        if article is None:
            return None
        label = _clean(article.source) or urlsplit(article.url).hostname or "source"
        return Link(label, safe_url(article.url), self.numbers[article_id])

    def links(self, article_ids: Iterable[str]) -> tuple[Link, ...]:
        seen: dict[str, Link] = {}
        for article_id in article_ids:
            found = self.link(article_id)
            if found is not None and found.label not in seen:
                seen[found.label] = found
        return tuple(seen.values())

    def claim(self, claim: Claim) -> ClaimView:
        actor = _clean(claim.actor) or "Unattributed"
        verb = _clean(claim.verb) or ("denies" if claim.stance == "denies" else "says")
        text = _clean(claim.text)
        return ClaimView(
            actor=actor,
            verb=verb,
            text=text,
            quote=_quoted(text) if claim.quoted else text,
            quoted=claim.quoted,
            said=_said(verb, claim.quoted),
            lead=_lead(actor, verb, claim.quoted),
            cited=_mid_sentence(actor),
            stance=claim.stance,
            origins=claim.origins,
            single_source=claim.origins == 1,
            disputed=claim.disputed,
            sources=self.links(claim.article_ids),
        )

    def summary(self) -> tuple[SentenceView, ...]:
        lines = []
        for sentence in self.brief.summary:
            source = self.link(sentence.article_id)
            if source is None:
                log.warning(
                    "story %s: summary sentence cites unknown article %r; skipped",
                    self.brief.story.id,
                    sentence.article_id,
                )
                continue
            lines.append(SentenceView(_clean(sentence.text), source))
        return tuple(lines)

    def disputes(self, claims: tuple[ClaimView, ...]) -> tuple[DisputeView, ...]:
        views = []
        for dispute in self.brief.disputes:
            indexes = (dispute.claim, *dispute.counter)
            if not dispute.counter or any(not 0 <= i < len(claims) for i in indexes):
                log.warning(
                    "story %s: dispute points outside the claims list; skipped",
                    self.brief.story.id,
                )
                continue
            views.append(
                DisputeView(
                    kind=dispute.kind,
                    claim=claims[dispute.claim],
                    counters=tuple(claims[i] for i in dispute.counter),
                )
            )
        return tuple(views)

    def figures(self) -> tuple[FigureView, ...]:
        views = []
        for figure in self.brief.figures:
            values = []
            for value in figure.values:
                source = self.link(value.article_id)
                if source is None:
                    continue
                shown = _clean(value.text) or f"{value.value:g} {value.unit}".strip()
                values.append(FigureValueView(shown, source))
            # Agreeing values are worth a line only when several articles give different ones.
            if len(values) < 2 or len({v.source.number for v in values}) < 2:
                continue
            if not figure.disagree and len({(v.value, v.high) for v in figure.values}) < 2:
                continue
            views.append(
                FigureView(
                    _clean(figure.quantity) or "figure",
                    tuple(values),
                    figure.disagree,
                    _figure_span(figure),
                )
            )
        return tuple(views)

    def changes(self, today: str, archive_url: str | None) -> ChangesView | None:
        found = self.brief.changes
        if not found:
            return None
        try:
            since = date.fromisoformat(found.since)
            day = date.fromisoformat(today)
        except ValueError:
            return None
        shown = f"{since:%a} {since.day} {since:%b}"
        label = "yesterday" if day - since == timedelta(days=1) else shown
        figures = []
        for move in found.figures:
            by_text: dict[str, list[str]] = {}
            for v in move.after:
                if self.link(v.article_id) is not None and _clean(v.text):
                    by_text.setdefault(_clean(v.text), []).append(v.article_id)
            after = tuple(MovedValue(text, self.links(ids)) for text, ids in by_text.items())
            before = tuple(dict.fromkeys(_clean(v.text) for v in move.before if _clean(v.text)))
            if after and before:
                figures.append(MoveView(_clean(move.quantity) or "figure", before, after))
        fresh = sorted(
            (self.claim(c) for c in found.new_claims),
            key=lambda c: (-c.origins, c.stance != "denies"),
        )
        return ChangesView(
            since_label=label,
            since_date=shown,
            url=f"{archive_url or '../'}{since.isoformat()}/briefing.html",
            new_sources=tuple(n for s in found.new_sources if (n := _clean(s))),
            new_claims=tuple(fresh[:NEW_CLAIMS_SHOWN]),
            figures=tuple(figures),
            more_claims=max(0, len(fresh) - NEW_CLAIMS_SHOWN),
        )

    def build(self, today: str = "", archive_url: str | None = None) -> StoryView:
        story = self.brief.story
        claims = tuple(self.claim(c) for c in self.brief.claims)
        disputes = self.disputes(claims)
        in_dispute = {id(c) for d in disputes for c in (d.claim, *d.counters)}
        articles = tuple(
            ArticleView(
                number=self.numbers[a.id],
                outlet=_clean(a.source) or "source",
                title=_clean(a.title) or a.url,
                url=safe_url(a.url),
                published=_local(a.published, self.zone).strftime(self.time_format),
            )
            for a in self.articles.values()
        )
        return StoryView(
            number=self.number,
            anchor=f"story-{self.number}",
            headline=_clean(self.brief.headline) or "Untitled story",
            developing=story.developing,
            sources=story.source_count,
            origins=story.origin_count,
            summary=self.summary(),
            claims=claims,
            key_claims=tuple(
                sorted((c for c in claims if id(c) not in in_dispute), key=lambda c: -c.origins)
            ),
            disputes=disputes,
            figures=self.figures(),
            articles=articles,
            why_terms=tuple(_clean(t) for t in story.why_grouped.terms if _clean(t)),
            similarity=f"{story.why_grouped.similarity:.2f}",
            section=_clean(self.brief.section) if self.brief.section else None,
            changes=self.changes(today, archive_url),
        )


def _mark_sections(stories: Iterable[StoryView]) -> tuple[StoryView, ...]:
    """Flag the first story of each section, where its heading goes."""
    out: list[StoryView] = []
    for story in stories:
        first = story.section is not None and (not out or out[-1].section != story.section)
        out.append(replace(story, section_first=first) if first else story)
    return tuple(out)


def build_view(briefing: Briefing, page_size: str = "A4") -> BriefingView:
    """What the templates show: ids resolved, unsafe links dropped, times in the reader's zone."""
    zone = _zone(briefing.timezone)
    within_week = briefing.window_end - briefing.window_start < timedelta(days=6)
    time_format = "%a %H:%M" if within_week else "%d %b %H:%M"
    stories = _mark_sections(
        _StoryBuilder(brief, number, zone, time_format).build(
            briefing.date, briefing.archive_url
        )
        for number, brief in enumerate(briefing.stories, start=1)
    )
    if stories:
        heads = "; ".join(s.headline for s in stories[:3])
        preheader = f"{_plural(len(stories), 'story', 'stories')}: {heads}"
    else:
        preheader = "No new stories in this window."
    return BriefingView(
        title=_clean(briefing.title) or "Daily Briefing",
        date_label=_clean(_date_label(briefing.date)),
        window_label=_window_label(briefing.window_start, briefing.window_end, zone),
        timezone=zone.key,
        preheader=preheader[:200],
        stories=stories,
        page_size=page_size,
    )


def _render_template(name: str, view: BriefingView) -> str:
    try:
        return _environment().get_template(name).render(b=view)
    except TemplateError as err:
        raise RenderError(f"template {name} failed: {err}") from err


def _email(view: BriefingView) -> str:
    html = _render_template("email.html.j2", view)
    inliner = css_inline.CSSInliner(
        keep_at_rules=True,
        minify_css=True,
        load_remote_stylesheets=False,
        remove_inlined_selectors=True,
    )
    try:
        return inliner.inline(html)
    except ValueError as err:
        raise RenderError(f"inlining email CSS failed: {err}") from err


def render_html(briefing: Briefing, *, max_bytes: int = EMAIL_MAX_BYTES) -> str:
    """Email-ready HTML: table layout, CSS inlined, dark-mode rules kept as an at-rule block.

    Gmail clips a message body past about 102 KB and hides the rest behind a link. If the whole
    briefing would not fit in ``max_bytes``, the email keeps as many stories as fit, in rank
    order, and lists the others by headline (the text part and the PDF carry all of them).
    """
    view = build_view(briefing)
    html = _email(view)
    if len(html.encode("utf-8")) <= max_bytes or not view.stories:
        return html
    low, high, best = 0, len(view.stories) - 1, None
    while low <= high:
        keep = (low + high) // 2
        trimmed = replace(view, stories=view.stories[:keep], omitted=view.stories[keep:])
        candidate = _email(trimmed)
        if len(candidate.encode("utf-8")) <= max_bytes:
            best, low = candidate, keep + 1
        else:
            high = keep - 1
    if best is None:
        raise RenderError(f"the email cannot fit in {max_bytes} bytes even without stories")
    log.warning("email HTML over %d bytes: later stories listed by headline only", max_bytes)
    return best


def print_html(briefing: Briefing, *, page_size: str = "A4") -> str:
    """The HTML WeasyPrint lays out for the PDF (print stylesheet, contents, page size)."""
    if page_size not in _PAGE_SIZES:
        raise RenderError(f"page size must be A4 or Letter, got {page_size!r}")
    return _render_template("print.html.j2", build_view(briefing, page_size))


def render_pdf(briefing: Briefing, *, page_size: str = "A4", timeout: float = 120.0) -> bytes:
    """PDF by WeasyPrint in a child process that is killed if it runs past ``timeout`` seconds."""
    html = print_html(briefing, page_size=page_size)
    command = [sys.executable, "-m", "briefing.pdf_worker"]
    try:
        done = subprocess.run(
            command,
            input=html.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            cwd=_IMPORT_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(f"PDF rendering took longer than {timeout:g} s and was stopped") from None
    except OSError as err:
        raise RenderError(f"could not start the PDF renderer: {err}") from err
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise RenderError(f"PDF rendering failed: {detail[0]}")
    return done.stdout


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=_TEXT_WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def _refs(links: Iterable[Link]) -> str:
    return "".join(f"[{link.number}]" for link in links)


def _claim_line(claim: ClaimView) -> str:
    backing = "single source" if claim.single_source else _plural(claim.origins, "origin")
    return f"{claim.lead} {claim.quote} ({backing}) {_refs(claim.sources)}"


def _story_text(story: StoryView) -> list[str]:
    mark = "  [DEVELOPING]" if story.developing else ""
    lines = [*_wrap(f"{story.headline}{mark}", "   ", f"{story.number:>2}. ")]
    lines.append(
        f"    {_plural(story.sources, 'source')} · {_plural(story.origins, 'independent origin')}"
    )
    lines.append("")
    if story.changes:
        lines += _changes_text(story.changes)
    for sentence in story.summary:
        lines += _wrap(f"{sentence.text} [{sentence.source.number}]", "      ", "    - ")
    if story.key_claims:
        lines += ["", "    KEY CLAIMS"]
        for claim in story.key_claims:
            mark = " DISPUTED" if claim.disputed else ""
            lines += _wrap(_claim_line(claim) + mark, "      ", "    * ")
    if story.disputes:
        lines += ["", "    DISPUTED"]
        for dispute in story.disputes:
            lines += _wrap(_claim_line(dispute.claim), "        ", "    ! ")
            for counter in dispute.counters:
                lines += _wrap(_claim_line(counter), "        ", "      vs ")
    for figure in story.figures:
        lines += ["", f"    {figure.heading}"]
        for value in figure.values:
            lines += _wrap(
                f"{value.source.label}: {value.text} [{value.source.number}]", "        ", "    - "
            )
    if story.why_terms:
        lines += [""]
        lines += _wrap(
            f"Why grouped: shared terms {', '.join(story.why_terms)}; "
            f"similarity {story.similarity}",
            "    ",
        )
    lines += ["", "    SOURCES"]
    for article in story.articles:
        lines += _wrap(
            f"{article.outlet}, {article.published}: {article.title}",
            "        ",
            f"    [{article.number}] ",
        )
        if article.url:
            lines.append(f"        {article.url}")
    return lines


def _changes_text(changes: ChangesView) -> list[str]:
    lines = [f"    NEW SINCE {changes.since_date.upper()} ({changes.url})"]
    for move in changes.figures:
        now = "; ".join(f"{v.text} {_refs(v.sources)}" for v in move.after)
        lines += _wrap(
            f"{move.quantity}: {'; '.join(move.before)} {changes.since_label}, {now} today",
            "      ",
            "    + ",
        )
    if changes.new_sources:
        lines += _wrap(f"New sources: {', '.join(changes.new_sources)}", "      ", "    + ")
    for claim in changes.new_claims:
        label = "New denial" if claim.stance == "denies" else "New claim"
        lines += _wrap(f"{label}: {_claim_line(claim)}", "      ", "    + ")
    if changes.more_claims:
        lines += [f"    + {_plural(changes.more_claims, 'more new claim')} below"]
    return [*lines, ""]


def render_text(briefing: Briefing) -> str:
    """The plain-text part: the same content, wrapped for a terminal mail client.

    Built in Python rather than a template because every template is autoescaped, which is
    right for HTML and wrong for text; textwrap does the hanging indents.
    """
    view = build_view(briefing)
    rule = "=" * _TEXT_WIDTH
    lines = [
        view.title.upper(),
        view.date_label,
        f"Window: {view.window_label} ({view.timezone})",
        _plural(len(view.stories), "story", "stories"),
        rule,
    ]
    if not view.stories:
        lines += ["", "No new stories in this window."]
    if view.stories:
        lines += ["", "CONTENTS"]
        for story in view.stories:
            if story.section_first:
                lines += [f"  {story.section}"]
            lines += _wrap(story.headline, "     ", f"{story.number:>3}. ")
    for story in view.stories:
        if story.section_first:
            lines += ["", rule, f"{story.section}".upper(), rule]
        lines += ["", rule[: _TEXT_WIDTH // 2], "", *_story_text(story)]
    lines += [
        "",
        rule,
        "Each summary sentence is copied word for word from the source its [n] names.",
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"
