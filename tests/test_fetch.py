from __future__ import annotations

import asyncio
import gzip
import ipaddress
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from helpers_http import LoopbackServer, Request, rss, static, trickle

from briefing.config import FetchConfig
from briefing.errors import BlockedAddressError, FetchError
from briefing.fetch import (
    Fetcher,
    FetchResult,
    address_blocked,
    check_url,
    max_age,
    next_poll,
    retry_after,
)

CONFIG = FetchConfig(timeout_seconds=5.0, connect_timeout_seconds=2.0, max_bytes=1024 * 1024)
LOOPBACK = (ipaddress.ip_network("127.0.0.1/32"),)
NOW = datetime(2025, 11, 3, 12, 0, tzinfo=UTC)
FEED = rss([("a", "First", "Hello")])


def fetch(url: str, *, config: FetchConfig = CONFIG, allow: bool = True,
          **kwargs: Any) -> FetchResult:
    options = {k: kwargs.pop(k) for k in ("exempt", "resolve") if k in kwargs}

    async def go() -> FetchResult:
        async with Fetcher(config, allow_private_hosts=allow, **options) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    return asyncio.run(go())


@pytest.fixture
def server():
    with LoopbackServer() as srv:
        yield srv


def test_plain_fetch_sends_user_agent_and_returns_body(server: LoopbackServer) -> None:
    server.routes["/feed"] = static(FEED, headers=[("ETag", '"v1"')])
    result = fetch(server.url("/feed"))
    assert result.status == 200
    assert result.body == FEED
    assert result.headers["etag"] == '"v1"'
    assert server.seen[0].headers["user-agent"] == CONFIG.user_agent


def test_conditional_get_sends_validators_and_304_has_no_body(server: LoopbackServer) -> None:
    def handle(request: Request) -> None:
        if request.headers.get("If-None-Match") == '"v1"':
            request.reply(304, headers=[("ETag", '"v1"')])
        else:
            request.reply(200, FEED, [("ETag", '"v1"')])

    server.routes["/feed"] = handle
    result = fetch(server.url("/feed"), etag='"v1"', last_modified="Mon, 03 Nov 2025 10:00:00 GMT")
    assert result.not_modified and result.body == b""
    sent = server.seen[0].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 03 Nov 2025 10:00:00 GMT"


def test_trickling_server_is_cut_off_by_the_total_deadline(server: LoopbackServer) -> None:
    server.routes["/slow"] = trickle(promised=1000, chunks=100, delay=0.2)
    with pytest.raises(FetchError, match=r"no complete response within 1\.5 s"):
        fetch(server.url("/slow"), config=CONFIG.model_copy(update={"timeout_seconds": 1.5}))


def test_gzip_bomb_is_cut_off_with_bounded_memory(server: LoopbackServer) -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    server.routes["/bomb"] = static(bomb, headers=[("Content-Encoding", "gzip")])
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="after decompression"):
            fetch(server.url("/bomb"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(bomb) < CONFIG.max_bytes
    assert peak < 16 * 1024 * 1024


def test_gzip_and_deflate_bodies_are_decoded(server: LoopbackServer) -> None:
    raw_deflate = zlib.compressobj(wbits=-15)
    server.routes["/gz"] = static(gzip.compress(FEED), headers=[("Content-Encoding", "gzip")])
    server.routes["/zlib"] = static(zlib.compress(FEED), headers=[("Content-Encoding", "deflate")])
    server.routes["/raw"] = static(raw_deflate.compress(FEED) + raw_deflate.flush(),
                                   headers=[("Content-Encoding", "deflate")])
    for path in ("/gz", "/zlib", "/raw"):
        assert fetch(server.url(path)).body == FEED
    assert server.seen[0].headers["accept-encoding"] == "gzip, deflate"


def test_oversized_body_is_refused(server: LoopbackServer) -> None:
    big = b"<rss>" + b"a" * (2 * 1024 * 1024)

    def no_length(request: Request) -> None:
        request.send_response(200)
        request.send_header("Connection", "close")
        request.end_headers()
        request.close_connection = True
        request.wfile.write(big)

    server.routes["/declared"] = static(big)
    server.routes["/undeclared"] = no_length
    with pytest.raises(FetchError, match="exceeds"):
        fetch(server.url("/declared"))
    with pytest.raises(FetchError, match="after decompression"):
        fetch(server.url("/undeclared"))


def _redirect(target: str, status: int = 301):
    def handle(request: Request) -> None:
        request.reply(status, headers=[("Location", target)])

    return handle


def test_permanent_redirect_chain_is_followed_and_reported(server: LoopbackServer) -> None:
    server.routes["/a"] = _redirect("/b", 301)
    server.routes["/b"] = _redirect(server.url("/c"), 308)
    server.routes["/c"] = _redirect("/final", 301)
    server.routes["/final"] = static(FEED)
    result = fetch(server.url("/a"))
    assert result.status == 200 and result.body == FEED
    assert result.final_url == server.url("/final")
    assert result.permanent_redirect == server.url("/final")
    assert [code for code, _ in result.redirects] == [301, 308, 301]


def test_temporary_hop_stops_the_permanent_chain(server: LoopbackServer) -> None:
    server.routes["/a"] = _redirect("/b", 301)
    server.routes["/b"] = _redirect("/c", 302)
    server.routes["/c"] = _redirect("/final", 301)
    server.routes["/final"] = static(FEED)
    result = fetch(server.url("/a"))
    assert result.permanent_redirect == server.url("/b")


def test_redirect_loop_fails(server: LoopbackServer) -> None:
    server.routes["/loop"] = _redirect("/loop", 302)
    with pytest.raises(FetchError, match="redirects"):
        fetch(server.url("/loop"))


def test_guard_refuses_loopback_by_default(server: LoopbackServer) -> None:
    server.routes["/feed"] = static(FEED)
    with pytest.raises(BlockedAddressError):
        fetch(server.url("/feed"), allow=False)
    with pytest.raises(BlockedAddressError):
        fetch(f"http://localhost:{server.port}/feed", allow=False)
    assert server.seen == []


@pytest.mark.parametrize("target", [
    "http://127.0.0.2:{port}/secret",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:127.0.0.1]:{port}/secret",
    "http://10.1.2.3/",
    "file:///etc/passwd",
])
def test_guard_refuses_redirect_to_private_address(server: LoopbackServer, target: str) -> None:
    server.routes["/feed"] = _redirect(target.format(port=server.port))
    with pytest.raises(BlockedAddressError):
        fetch(server.url("/feed"), allow=False, exempt=LOOPBACK)
    assert [s.path for s in server.seen] == ["/feed"]


def test_guard_checks_the_resolved_address_on_redirect(server: LoopbackServer) -> None:
    async def resolve(host: str, port: int) -> list[str]:
        return {"public.test": ["127.0.0.1"], "internal.test": ["127.0.0.2", "10.0.0.7"]}[host]

    server.routes["/feed"] = _redirect(f"http://internal.test:{server.port}/secret")
    server.routes["/ok"] = static(FEED)
    ok = fetch(f"http://public.test:{server.port}/ok", allow=False, exempt=LOOPBACK,
               resolve=resolve)
    assert ok.body == FEED
    with pytest.raises(BlockedAddressError, match=r"internal\.test"):
        fetch(f"http://public.test:{server.port}/feed", allow=False, exempt=LOOPBACK,
              resolve=resolve)


@pytest.mark.parametrize("address,blocked", [
    ("127.0.0.1", True), ("10.0.0.1", True), ("172.16.5.4", True), ("192.168.1.1", True),
    ("169.254.169.254", True), ("100.64.0.1", True), ("0.0.0.0", True), ("224.0.0.1", True),
    ("::1", True), ("fe80::1", True), ("fd00:ec2::254", True), ("::ffff:10.0.0.1", True),
    ("::ffff:127.0.0.1", True), ("64:ff9b::a00:1", True), ("2002:c0a8:101::1", True),
    ("not-an-ip", True), ("93.184.216.34", False), ("2606:2800:220:1::1", False),
    ("8.8.8.8", False),
])
def test_address_blocked(address: str, blocked: bool) -> None:
    assert address_blocked(address) is blocked


def test_check_url_refuses_other_schemes() -> None:
    for url in ("ftp://example.org/feed", "file:///etc/passwd", "gopher://x/"):
        with pytest.raises(BlockedAddressError):
            check_url(url, allow_private_hosts=True)
    assert check_url("https://example.org/x", allow_private_hosts=False).host == "example.org"


def test_retry_after_seconds_and_http_date() -> None:
    assert retry_after({"retry-after": "120"}, NOW) == timedelta(seconds=120)
    date = "Mon, 03 Nov 2025 14:00:00 GMT"
    assert retry_after({"retry-after": date}, NOW) == timedelta(hours=2)
    assert retry_after({"retry-after": "soon"}, NOW) is None
    assert max_age({"cache-control": "public, max-age=7200"}) == timedelta(hours=2)


def test_next_poll_takes_the_largest_delay_capped_at_a_day() -> None:
    base = timedelta(hours=1)
    assert next_poll(NOW, base=base) == NOW + base
    assert next_poll(NOW, base=base, headers={"retry-after": "10800"}) == NOW + timedelta(hours=3)
    assert next_poll(NOW, base=base, headers={"cache-control": "max-age=7200"},
                     ttl_minutes=30) == NOW + timedelta(hours=2)
    assert next_poll(NOW, base=base, ttl_minutes=240) == NOW + timedelta(hours=4)
    assert next_poll(NOW, base=base, headers={"retry-after": str(9 * 86400)}) == NOW + timedelta(
        hours=24)
    assert next_poll(NOW, base=base, failures=3) == NOW + timedelta(hours=4)
    assert next_poll(NOW, base=base, failures=30) == NOW + timedelta(hours=24)


def test_bad_redirect_target_is_a_fetch_error(server: LoopbackServer) -> None:
    server.routes["/bad"] = _redirect("http://127.0.0.1:99999/x")
    with pytest.raises(FetchError):
        fetch(server.url("/bad"))


def test_broken_responses_are_fetch_errors(server: LoopbackServer) -> None:
    def cut_short(request: Request) -> None:
        request.send_response(200)
        request.send_header("Content-Length", "5000")
        request.end_headers()
        request.wfile.write(b"<rss>only the start")
        request.close_connection = True

    def not_http(request: Request) -> None:
        request.wfile.write(b"SSH-2.0-OpenSSH\r\n\r\n")
        request.close_connection = True

    server.routes["/corrupt"] = static(b"\x1f\x8b\x08 this is not gzip",
                                       headers=[("Content-Encoding", "gzip")])
    server.routes["/brotli"] = static(b"????", headers=[("Content-Encoding", "br")])
    server.routes["/short"] = cut_short
    server.routes["/ssh"] = not_http
    for path, message in [("/corrupt", "corrupt gzip"), ("/brotli", "unsupported"),
                          ("/short", "protocol error"), ("/ssh", "protocol error")]:
        with pytest.raises(FetchError, match=message):
            fetch(server.url(path))


def test_a_busy_host_does_not_hold_up_other_hosts() -> None:
    arrivals: list[str] = []

    def slow(name: str):
        def handle(request: Request) -> None:
            arrivals.append(name)
            time.sleep(0.2)
            request.reply(200, FEED)
        return handle

    config = FetchConfig(concurrency=2, per_host=1, timeout_seconds=10)
    with LoopbackServer() as busy, LoopbackServer() as other:
        for i in range(5):
            busy.routes[f"/f{i}"] = slow(f"busy{i}")
        other.routes["/f"] = slow("other")

        async def go() -> None:
            async with Fetcher(config, allow_private_hosts=True) as fetcher:
                urls = [busy.url(f"/f{i}") for i in range(5)] + [other.url("/f")]
                await asyncio.gather(*(fetcher.fetch(u) for u in urls))

        asyncio.run(go())
    assert arrivals.index("other") <= 1
