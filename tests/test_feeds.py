from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from briefing.feeds import article_id, discover_feed_links, html_to_text, parse_feed

NOW = datetime(2025, 11, 3, 12, 0, tzinfo=UTC)


def _rss(items: str, extra: str = "") -> bytes:
    return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{extra}"
            f"{items}</channel></rss>").encode()


def test_identity_prefers_guid_then_link_then_content_hash() -> None:
    feed = parse_feed(_rss(
        "<item><guid>g-1</guid><link>http://x.org/1</link><title>One</title></item>"
        "<item><link>http://x.org/2</link><title>Two</title></item>"
        "<item><title>Three</title><description>Only text</description></item>"
    ), {}, now=NOW)
    identities = [e.identity for e in feed.entries]
    assert identities[:2] == ["g-1", "http://x.org/2"]
    assert identities[2].startswith("sha1:")
    again = parse_feed(_rss("<item><title>Three</title><description>Only text</description>"
                            "</item>"), {}, now=NOW)
    assert again.entries[0].identity == identities[2]


def test_duplicate_guids_are_kept_apart_by_link() -> None:
    feed = parse_feed(_rss(
        "<item><guid>same</guid><link>http://x.org/a</link><title>A</title></item>"
        "<item><guid>same</guid><link>http://x.org/b</link><title>B</title></item>"
        "<item><guid>other</guid><link>http://x.org/c</link><title>C</title></item>"
    ), {}, now=NOW)
    assert [e.identity for e in feed.entries] == [
        "same http://x.org/a", "same http://x.org/b", "other"]
    assert len({article_id("http://feed", e.identity) for e in feed.entries}) == 3


def test_unparseable_date_falls_back_and_future_date_is_clamped() -> None:
    feed = parse_feed(_rss(
        "<item><guid>1</guid><title>Bad</title><pubDate>the day after tomorrow</pubDate></item>"
        "<item><guid>2</guid><title>Future</title><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate>"
        "</item><item><guid>3</guid><title>Fine</title>"
        "<pubDate>Mon, 03 Nov 2025 09:30:00 +0100</pubDate></item>"
    ), {}, now=NOW)
    bad, future, fine = feed.entries
    assert bad.published == NOW and not bad.date_parsed
    assert future.published == NOW and future.date_parsed
    assert fine.published == datetime(2025, 11, 3, 8, 30, tzinfo=UTC)


def test_ttl_and_html_entry_text() -> None:
    feed = parse_feed(_rss(
        "<item><guid>1</guid><title>T &amp; more</title><description>"
        "&lt;p&gt;First para.&lt;/p&gt;&lt;p&gt;Second &lt;b&gt;bold&lt;/b&gt; para."
        "&lt;script&gt;evil()&lt;/script&gt;&lt;/p&gt;</description></item>",
        "<ttl>45</ttl>"), {}, now=NOW)
    assert feed.ttl_minutes == 45
    (entry,) = feed.entries
    assert entry.title == "T & more"
    assert entry.text == "First para.\nSecond bold para."


@pytest.mark.parametrize("items", [
    # permalink GUID first, relative link; GUID that is not a permalink; a link before the GUID
    # (feedparser's output then hides whether the GUID was resolved); absolute and odd URIs.
    "<item><guid>p1</guid><link>a/1</link><title>One</title></item>"
    "<item><guid isPermaLink='false'>p2</guid><link>/b/2</link><title>Two</title></item>"
    "<item><title>Three</title><guid>tag:x.org,2025:3</guid></item>"
    "<item><link>http://y.org/4?</link><guid>urn:uuid:4</guid><title>Four</title></item>",
    "<item><link>c5</link><title>Five</title><guid>p5</guid></item>",
    "<item xml:base='http://z.org/first/'><link>f6</link><guid>p6</guid><title>Six</title>"
    "</item><item><link>s7</link><title>Seven</title></item>",
])
def test_links_and_guids_resolve_against_the_feed_address_as_feedparser_resolves_them(
        items: str) -> None:
    body = _rss(items)
    headers = {"Content-Type": "application/rss+xml",
               "Content-Location": "https://news.example.com/feeds/main.xml"}
    reference = feedparser.parse(io.BytesIO(body), response_headers={
        k.lower(): v for k, v in headers.items()})
    feed = parse_feed(body, headers, now=NOW)
    assert [(e.guid, e.link) for e in feed.entries] == [
        (e.get("id", ""), e.get("link", "")) for e in reference.entries]
    assert any(e.link.startswith("https://news.example.com/") for e in feed.entries)


def test_html_to_text_keeps_blocks_apart() -> None:
    assert html_to_text("<h2>Head</h2>Body<br>next<ul><li>a</li><li>b</li></ul>") == (
        "Head\nBody\nnext\na\nb")
    assert html_to_text("plain &amp; simple") == "plain & simple"


def test_a_path_or_url_as_body_is_never_opened(tmp_path: Path) -> None:
    real = tmp_path / "feed.xml"
    real.write_bytes(_rss("<item><guid>1</guid><title>Secret</title></item>"))
    for body in (str(real).encode(), real.as_uri().encode(), b"http://127.0.0.1:9/feed"):
        feed = parse_feed(body, {}, now=NOW)
        assert feed.entries == () and feed.malformed


def test_garbage_is_reported_not_raised() -> None:
    for body in (b"", b"\x00\xff\xfe garbage", b"<html><body>hi</body></html>", b"{\"a\": 1}"):
        feed = parse_feed(body, {"content-type": "text/html"}, now=NOW)
        assert feed.malformed and feed.problem


def _corpus_files(shared: Path) -> list[Path]:
    roots = [shared / "eval-data" / "feedparser-tests", shared / "eval-data" /
             "node-feedparser-feeds"]
    return sorted(p for root in roots for p in root.rglob("*")
                  if p.is_file() and p.name not in ("LICENSE", "SOURCE.txt"))


def test_every_corpus_feed_parses_without_crashing(shared: Path) -> None:
    files = _corpus_files(shared)
    assert len(files) > 2000
    expected_bozo = reported = 0
    missed = []
    for path in files:
        body = path.read_bytes()
        head = body[:2000].decode("latin-1")
        # feedparser's fixtures carry their own HTTP headers and expectations in a comment.
        headers = {m.group(1).strip(): m.group(2).strip()
                   for m in re.finditer(r"^Header:\s*([^:]+):\s*(.*)$", head, re.M)}
        feed = parse_feed(body, headers, now=NOW)
        reported += bool(feed.problem)
        expect = re.search(r"^Expect:\s*(.*)$", head, re.M)
        if expect and expect.group(1).startswith("bozo"):
            expected_bozo += 1
            if not feed.problem:
                missed.append(path.name)
    assert expected_bozo >= 15
    assert missed == []
    assert reported >= expected_bozo


def _head(links: str, base: str = "") -> bytes:
    return (f"<html><head><title>Home</title>{base}{links}</head>"
            f"<body><p>Front page</p></body></html>").encode()


def test_feed_links_are_found_by_rel_token_and_type_in_document_order() -> None:
    page = _head(
        "<link rel='stylesheet' type='text/css' href='/site.css'>"
        "<LINK REL='Alternate' TYPE='application/atom+xml' HREF='/atom'>"
        "<link rel='alternate' type='text/html' hreflang='fr' href='/fr/'>"
        "<link rel='alternate' type='application/feed+json' href='/feed.json'>"
        "<link rel='home alternate' type='application/rss+xml; charset=utf-8' href='/rss'>"
        "<link rel='alternateX' type='application/rss+xml' href='/not-a-token'>"
        "<link rel='alternate' type='application/rdf+xml' href='/rdf'>"
        "<link rel='alternate' type='application/rss+xml' href='/atom'>"
        "<link rel='alternate' type='application/rss+xml'>"
    )
    assert discover_feed_links(page, "https://news.example/") == [
        "https://news.example/atom", "https://news.example/rss", "https://news.example/rdf"]


def test_comment_feeds_come_after_the_others() -> None:
    page = _head(
        "<link rel='alternate' type='application/rss+xml' title='Comments Feed' href='/c1'>"
        "<link rel='alternate' type='application/rss+xml' href='/comments/feed/'>"
        "<link rel='alternate' type='application/rss+xml' title='Site &raquo; Feed' href='/f'>"
    )
    assert discover_feed_links(page, "http://blog.example/") == [
        "http://blog.example/f", "http://blog.example/c1", "http://blog.example/comments/feed/"]


@pytest.mark.parametrize(("base", "href", "expected"), [
    ("", "feed.xml", "https://x.example/news/feed.xml"),
    ("", "//cdn.example/rss", "https://cdn.example/rss"),
    ("<base href='/feeds/'>", "main.xml", "https://x.example/feeds/main.xml"),
    ("<base href='http://other.example/a/'>", "../b.rss", "http://other.example/b.rss"),
    ("<base target='_blank'><base href='sub/'>", "f", "https://x.example/news/sub/f"),
], ids=["relative", "scheme-relative", "base-path", "base-absolute", "first-base-with-href"])
def test_feed_links_resolve_against_base_href_else_the_page(
        base: str, href: str, expected: str) -> None:
    page = _head(f"<link rel='alternate' type='application/rss+xml' href='{href}'>", base)
    assert discover_feed_links(page, "https://x.example/news/index.html") == [expected]


def test_only_web_addresses_are_kept() -> None:
    page = _head("".join(
        f"<link rel='alternate' type='application/rss+xml' href='{href}'>"
        for href in ("javascript:alert(1)", "file:///etc/passwd", "ftp://x.example/rss",
                     "http://[::1", "http://x.example:port/", "mailto:a@b.example",
                     "https://ok.example/rss")))
    assert discover_feed_links(page, "https://x.example/") == ["https://ok.example/rss"]


@pytest.mark.parametrize("body", [
    b"", b"   ", b"\x00\xff\xfe\x00", bytes(range(256)) * 40, b"<", b"<<<>>>&&&;;",
    b"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><link>http://x/</link>",
    b"<html><head><link rel='alternate' type='application/rss+xml' href='http://x:port/'>",
    # A <title> holds only text, so what looks like a link inside it is not one.
    b"<html><head><title>Broken<link rel=alternate type=application/rss+xml href=/rss>",
], ids=["empty", "blank", "nul", "binary", "lt", "punctuation", "rss", "bad-port", "in-title"])
def test_garbage_gives_no_feed_links(body: bytes) -> None:
    assert discover_feed_links(body, "http://x.example/") == []


@pytest.mark.parametrize("body", [
    "<html><head><link rel='alternate' type='application/rss+xml' href='/café'>"
    .encode("utf-16"),
    "<html><head><meta charset='iso-8859-1'><link rel=alternate type=application/rss+xml "
    "href='/café'></head></html>".encode("iso-8859-1"),
    "<p>unclosed <b>tags <div><link rel=alternate type=application/rss+xml href=/café></i>"
    .encode(),
], ids=["utf-16", "declared-charset", "tag-soup"])
def test_feed_links_survive_encodings_and_tag_soup(body: bytes) -> None:
    assert discover_feed_links(body, "http://x.example/") == ["http://x.example/café"]
