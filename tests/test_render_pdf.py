"""The PDF: WeasyPrint behind an asset-only URL fetcher, in a child process with a time bound."""

from __future__ import annotations

import re
import sys
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from render_fixtures import make_briefing

from briefing import render
from briefing.errors import RenderError
from briefing.pdf_fetcher import ASSET_BASE, ASSETS_DIR, AssetOnlyFetcher
from briefing.pdf_worker import html_to_pdf


def inflate(pdf: bytes) -> bytes:
    """The PDF's objects with every Flate stream decompressed, so tests can read them."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


class _Counting(BaseHTTPRequestHandler):
    hits: list[str]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.hits.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", f"{ASSET_BASE}print.css")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"body { display: none }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def counting_server() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    handler = type("Handler", (_Counting,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


_opened: list[str] = []
_watching = threading.Event()


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _watching.is_set() and event == "open" and isinstance(args[0], str | bytes):
        _opened.append(str(Path(args[0] if isinstance(args[0], str) else args[0].decode())))


sys.addaudithook(_audit)


@pytest.mark.parametrize(
    ("url", "served"),
    [
        (f"{ASSET_BASE}print.css", True),
        (f"{ASSET_BASE}%70rint.css", True),
        (f"{ASSET_BASE}../email.css", False),
        (f"{ASSET_BASE}..%2Femail.css", False),
        (f"{ASSET_BASE}print.css?x=1", False),
        ("https://assets.briefing.invalid:8443/print.css", False),
        ("https://user@assets.briefing.invalid/print.css", False),
        ("http://assets.briefing.invalid/print.css", False),
        (f"file://{ASSETS_DIR}/print.css", False),
        ("file:///etc/passwd", False),
        ("http://169.254.169.254/latest/meta-data/", False),
        ("data:text/css,body{}", False),
        ("https://assets.briefing.invalid.evil.example/print.css", False),
    ],
)
def test_fetcher_serves_only_listed_assets(url: str, served: bool) -> None:
    assert (AssetOnlyFetcher().asset_for(url) is not None) is served


def test_hostile_references_are_refused_and_nothing_is_read(
    tmp_path: Path, counting_server: tuple[str, list[str]]
) -> None:
    base, hits = counting_server
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the pdf")
    outside = f"{'../' * 12}{str(secret).lstrip('/')}"
    html = f"""<!DOCTYPE html><html><head>
<link rel="stylesheet" href="print.css">
<link rel="stylesheet" href="{base}/style.css">
<link rel="stylesheet" href="{base}/redirect">
<link rel="stylesheet" href="../email.css">
</head><body><h1>Hostile references</h1>
<img src="file:///etc/passwd" alt="a">
<img src="file://{secret}" alt="b">
<img src="{outside}" alt="c">
<img src="http://169.254.169.254/latest/meta-data/" alt="d">
<img src="{base}/pixel.png" alt="e">
<object data="file:///etc/hostname"></object>
</body></html>"""
    fetcher = AssetOnlyFetcher()
    _opened.clear()
    _watching.set()
    try:
        pdf = html_to_pdf(html, fetcher)
    finally:
        _watching.clear()
    assert pdf.startswith(b"%PDF")
    assert fetcher.served == [f"{ASSET_BASE}print.css"]
    refused = " ".join(fetcher.refused)
    for needle in (
        "file:///etc/passwd",
        str(secret),
        "169.254.169.254",
        f"{base}/redirect",
        f"{base}/pixel.png",
        f"{base}/style.css",
        "email.css",
    ):
        assert needle in refused
    assert hits == []
    assert not {str(secret), "/etc/passwd", "/etc/hostname"} & set(_opened)
    assert str(render.TEMPLATES_DIR / "email.css") not in _opened
    assert str(ASSETS_DIR / "print.css") in _opened


@pytest.fixture(scope="module")
def a4_pdf() -> bytes:
    return render.render_pdf(make_briefing(3))


def test_pdf_is_a4_with_clickable_source_links_and_bookmarks(a4_pdf: bytes) -> None:
    body = inflate(a4_pdf)
    assert b"/MediaBox [0 0 595.27" in body
    uris = set(re.findall(rb"/URI \(([^)]*)\)", body))
    for brief in make_briefing(3).stories:
        for article in brief.story.articles:
            assert article.url.encode() in uris
        assert brief.headline.encode().replace(b"(", b"\\(").replace(b")", b"\\)") in body
    assert b"/Title (KEY CLAIMS)" not in body


def test_pdf_letter_page_size() -> None:
    pdf = render.render_pdf(make_briefing(1), page_size="Letter")
    assert b"/MediaBox [0 0 612 792]" in inflate(pdf)


def test_pdf_render_past_its_time_budget_is_stopped() -> None:
    with pytest.raises(RenderError, match="longer than"):
        render.render_pdf(make_briefing(1), timeout=0.001)


def test_pdf_worker_failure_becomes_render_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render.sys, "executable", "/bin/false")
    with pytest.raises(RenderError, match="PDF rendering failed"):
        render.render_pdf(make_briefing(1))
