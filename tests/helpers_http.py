"""A real HTTP server on 127.0.0.1 for fetch and collect tests.

Routes map a path to a handler ``(request) -> None`` that writes the whole response; every
request is recorded (path and headers) so tests can check what the client sent.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[["Request"], None]


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class Request(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.owner.seen.append(
            Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
        if self.server.owner.latency:
            time.sleep(self.server.owner.latency)
        handler = self.server.owner.routes.get(self.path.split("?", 1)[0])
        if handler is None:
            self.reply(404, b"not found")
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler(self)

    def reply(self, status: int, body: bytes = b"", headers: Iterable[tuple[str, str]] = (),
              content_type: str = "application/rss+xml") -> None:
        self.send_response(status)
        names = set()
        for name, value in headers:
            names.add(name.lower())
            self.send_header(name, value)
        if "content-type" not in names and body:
            self.send_header("Content-Type", content_type)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackServer


@dataclass
class LoopbackServer:
    host: str = "127.0.0.1"
    latency: float = 0.0
    routes: dict[str, Handler] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = _Server((self.host, 0), Request)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def requests(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]


def static(body: bytes, status: int = 200, headers: Iterable[tuple[str, str]] = (),
           content_type: str = "application/rss+xml") -> Handler:
    fixed = list(headers)

    def handle(request: Request) -> None:
        request.reply(status, body, fixed, content_type)

    return handle


def trickle(*, promised: int, chunks: int, delay: float, byte: bytes = b"x") -> Handler:
    """A server that promises ``promised`` bytes and sends one every ``delay`` seconds."""

    def handle(request: Request) -> None:
        request.send_response(200)
        request.send_header("Content-Length", str(promised))
        request.end_headers()
        for _ in range(chunks):
            request.wfile.write(byte)
            request.wfile.flush()
            time.sleep(delay)

    return handle


def rss(items: Iterable[tuple[str, str, str]], *, title: str = "Test feed",
        ttl: int | None = None, link_base: str = "http://example.org/") -> bytes:
    """An RSS 2.0 document from (guid, title, description) triples."""
    parts = [f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
             f"<title>{title}</title><link>http://example.org/</link>"
             f"<description>tests</description>"]
    if ttl is not None:
        parts.append(f"<ttl>{ttl}</ttl>")
    for guid, item_title, description in items:
        parts.append(
            f"<item><guid isPermaLink='false'>{guid}</guid><title>{item_title}</title>"
            f"<link>{link_base}{guid}</link>"
            f"<pubDate>Mon, 03 Nov 2025 10:00:00 GMT</pubDate>"
            f"<description><![CDATA[{description}]]></description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()
