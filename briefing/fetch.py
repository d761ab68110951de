"""HTTP fetching for feeds and article pages, politely and safely.

Every request has a connect timeout and a total deadline (a server trickling one byte every few
seconds is cut off), a cap on the body measured after decompression, a descriptive User-Agent
and conditional-GET validators. Redirects are followed by hand, at most ``MAX_REDIRECTS``, each
hop re-checked. The address guard (SSRF) runs inside the connection: the host name is resolved
once, every candidate address is checked, the socket connects to a checked address and the
peer address of the open socket is checked again, so DNS rebinding cannot slip through.
``allow_private_hosts`` lifts the guard (tests on 127.0.0.1 need it). ``exempt`` networks and
an injected resolver exist so tests can exercise the guard itself on loopback servers.

Environment proxies are ignored (``trust_env=False``): the guard must see the real peer.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import re
import socket
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpcore
import httpx

from .config import FetchConfig
from .errors import BlockedAddressError, FetchError

MAX_REDIRECTS = 5
MAX_POLL_INTERVAL = timedelta(hours=24)
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8")
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
_CHUNK = 64 * 1024
_PERMANENT = (301, 308)
_REDIRECTS = (301, 302, 303, 307, 308)
# Address ranges that carry other protocols' addresses inside IPv6 ones.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]


# -- address guard --------------------------------------------------------------------------

def address_blocked(address: str, exempt: Sequence[IPNetwork] = ()) -> bool:
    """True for anything but a public unicast address: loopback, private, link-local (cloud
    metadata included), CGNAT, multicast, reserved, unspecified, and IPv6 forms that embed
    such an IPv4 address (IPv4-mapped, NAT64, 6to4, Teredo)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if any(ip.version == net.version and ip in net for net in exempt):
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded: list[ipaddress.IPv4Address] = []
        if ip.ipv4_mapped is not None:
            embedded.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            embedded.append(ip.sixtofour)
        if ip.teredo is not None:
            embedded.extend(ip.teredo)
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if any(address_blocked(str(v4)) for v4 in embedded):
            return True
    return not ip.is_global or ip.is_multicast


def check_url(url: str | httpx.URL, *, allow_private_hosts: bool,
              exempt: Sequence[IPNetwork] = ()) -> httpx.URL:
    """The parsed URL, if it is one we may fetch: http(s), and no literal blocked address."""
    try:
        parsed = httpx.URL(str(url))
    except (httpx.InvalidURL, TypeError, ValueError) as err:
        raise FetchError(f"invalid URL {url!r}: {err}") from None
    if parsed.scheme not in ("http", "https"):
        raise BlockedAddressError(f"refusing non-http(s) URL {str(url)[:200]!r}")
    if not parsed.host:
        raise FetchError(f"URL has no host: {str(url)[:200]!r}")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise FetchError(f"URL has an impossible port: {str(url)[:200]!r}")
    if not allow_private_hosts:
        host = parsed.host.strip("[]")
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass  # a name: checked on the resolved and connected address
        else:
            if address_blocked(host, exempt):
                raise BlockedAddressError(f"refusing private address {host}")
    return parsed


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that connects only to public addresses."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None, *,
                 exempt: Sequence[IPNetwork] = (), resolve: Resolver | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()
        self._exempt = tuple(exempt)
        self._resolve = resolve or _system_resolve

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self._resolve(host, port)
        except OSError as err:
            raise httpcore.ConnectError(f"cannot resolve {host}: {err}") from None
        allowed = [a for a in addresses if not address_blocked(a, self._exempt)]
        if not allowed:
            raise BlockedAddressError(f"{host} resolves only to refused addresses "
                                      f"({', '.join(addresses[:4])})")
        last: Exception | None = None
        for address in allowed:
            try:
                stream = await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as err:
                last = err
                continue
            peer = stream.get_extra_info("server_addr")
            if peer is None or address_blocked(str(peer[0]), self._exempt):
                await stream.aclose()
                raise BlockedAddressError(f"{host}: connected peer {peer} is refused")
            return stream
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError("unix sockets are refused")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def _system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def make_transport(
    config: FetchConfig, *, allow_private_hosts: bool, exempt: Sequence[IPNetwork] = (),
    resolve: Resolver | None = None,
) -> httpx.AsyncHTTPTransport:
    limits = httpx.Limits(max_connections=config.concurrency * 2,
                          max_keepalive_connections=config.concurrency)
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False, retries=0)
    if not allow_private_hosts:
        # httpx has no public hook for the network backend; rebuild its pool (same settings as
        # httpx's own) with the guarded backend.
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(exempt=exempt, resolve=resolve),
        )
    return transport


# -- bodies ----------------------------------------------------------------------------------

class _Decoder:
    """Content-Encoding decoder with a hard cap on the decoded size.

    httpx's own decoders inflate a whole network chunk at once, so a 64 KiB gzip bomb chunk
    becomes ~64 MiB before any size check; zlib's ``max_length`` keeps memory bounded.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")
        self.coding = codings[0] if codings else ""
        self._zlib: Any = None
        if self.coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self.coding == "deflate":
            self._zlib = None  # zlib-wrapped or raw: decided on the first bytes

    def _take(self, data: bytes, out: list[bytes]) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchError(f"body larger than {self.limit} bytes after decompression")
        out.append(data)

    def feed(self, chunk: bytes) -> bytes:
        if not self.coding:
            out: list[bytes] = []
            self._take(chunk, out)
            return chunk
        if self._zlib is None:
            zlib_header = (len(chunk) >= 2 and chunk[0] & 0x0F == 8
                           and (chunk[0] << 8 | chunk[1]) % 31 == 0)
            raw = not zlib_header
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
        out = []
        data = chunk
        try:
            while data:
                piece = self._zlib.decompress(data, self.limit - self.size + 1)
                self._take(piece, out)
                data = self._zlib.unconsumed_tail
                if self._zlib.eof and self._zlib.unused_data:
                    # Another gzip member follows (concatenated gzip is valid).
                    data = self._zlib.unused_data
                    self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        except zlib.error as err:
            raise FetchError(f"corrupt {self.coding} body: {err}") from None
        return b"".join(out)


# -- results and scheduling --------------------------------------------------------------------

@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes = b""
    permanent_redirect: str | None = None
    redirects: tuple[tuple[int, str], ...] = ()
    elapsed: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def retry_after(headers: Mapping[str, str], now: datetime) -> timedelta | None:
    """Retry-After as a delay: delta-seconds or an HTTP date."""
    raw = (headers.get("retry-after") or "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return timedelta(seconds=int(raw))
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(when - now, timedelta(0))


def max_age(headers: Mapping[str, str]) -> timedelta | None:
    match = re.search(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", headers.get("cache-control") or "",
                      re.IGNORECASE)
    return timedelta(seconds=int(match.group(1))) if match else None


def next_poll(
    now: datetime, *, base: timedelta, headers: Mapping[str, str] | None = None,
    ttl_minutes: int | None = None, failures: int = 0,
) -> datetime:
    """When to poll again: the largest of the base interval (doubled per consecutive failure),
    Retry-After, Cache-Control max-age and the feed's ttl, capped at 24 hours."""
    candidates = [base * (2 ** min(max(failures - 1, 0), 16))]
    if headers:
        for delay in (retry_after(headers, now), max_age(headers)):
            if delay is not None:
                candidates.append(delay)
    if ttl_minutes:
        candidates.append(timedelta(minutes=ttl_minutes))
    return now + min(max(candidates), MAX_POLL_INTERVAL)


# -- the fetcher -------------------------------------------------------------------------------

@dataclass
class Fetcher:
    """One client for a collect run; bounds concurrency overall and per host."""

    config: FetchConfig
    allow_private_hosts: bool = False
    transport: httpx.AsyncBaseTransport | None = None
    exempt: Sequence[IPNetwork] = ()
    resolve: Resolver | None = None
    _client: httpx.AsyncClient | None = field(default=None, init=False)
    _slots: asyncio.Semaphore | None = field(default=None, init=False)
    _hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict, init=False)

    async def __aenter__(self) -> Fetcher:
        timeout = httpx.Timeout(self.config.timeout_seconds,
                                connect=self.config.connect_timeout_seconds)
        self._client = httpx.AsyncClient(
            transport=self.transport or make_transport(
                self.config, allow_private_hosts=self.allow_private_hosts, exempt=self.exempt,
                resolve=self.resolve),
            timeout=timeout, follow_redirects=False, trust_env=False,
            headers={"User-Agent": self.config.user_agent,
                     "Accept-Encoding": "gzip, deflate"},
        )
        self._slots = asyncio.Semaphore(self.config.concurrency)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _host_slot(self, origin: str) -> asyncio.Semaphore:
        if origin not in self._hosts:
            self._hosts[origin] = asyncio.Semaphore(self.config.per_host)
        return self._hosts[origin]

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET ``url``. Non-2xx statuses are returned (the caller decides); network failures,
        the deadline, the size cap and refused addresses raise FetchError subclasses."""
        if self._client is None or self._slots is None:
            raise RuntimeError("use Fetcher as an async context manager")
        started = time.monotonic()
        deadline: float | None = None
        current = check_url(url, allow_private_hosts=self.allow_private_hosts,
                            exempt=self.exempt)
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        hops: list[tuple[int, str]] = []
        permanent: str | None = None
        for _ in range(MAX_REDIRECTS + 1):
            # Per-origin slot first: a request queued behind its busy host holds no global slot.
            async with self._host_slot(_origin(current)), self._slots:
                loop = asyncio.get_running_loop()
                if deadline is None:
                    deadline = loop.time() + self.config.timeout_seconds
                try:
                    async with asyncio.timeout_at(deadline):
                        status, resp_headers, body, location = await self._one(current, headers)
                except TimeoutError:
                    raise FetchError(f"no complete response within "
                                     f"{self.config.timeout_seconds:g} s") from None
                except (httpx.HTTPError, httpx.InvalidURL) as err:
                    raise FetchError(_describe(err)) from None
                except OSError as err:
                    raise FetchError(f"network error: {err}") from None
                except ExceptionGroup as group:
                    # anyio can bundle a connect failure into a group; keep the contract.
                    raise FetchError(f"network error: {group.exceptions[0]!r}") from None
            if status in _REDIRECTS and location:
                try:
                    joined = current.join(location)
                except (httpx.InvalidURL, ValueError, TypeError) as err:
                    raise FetchError(f"bad redirect Location {location[:200]!r}: {err}") from None
                target = check_url(joined, allow_private_hosts=self.allow_private_hosts,
                                   exempt=self.exempt)
                hops.append((status, str(target)))
                if status in _PERMANENT and len(hops) == sum(
                        1 for code, _u in hops if code in _PERMANENT):
                    permanent = str(target)
                if target.host != current.host:
                    headers.pop("If-None-Match", None)
                    headers.pop("If-Modified-Since", None)
                current = target
                continue
            return FetchResult(url, str(current), status, resp_headers, body, permanent,
                               tuple(hops), time.monotonic() - started)
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    async def _one(
        self, url: httpx.URL, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes, str | None]:
        assert self._client is not None
        request = self._client.build_request("GET", url, headers=headers)
        response = await self._client.send(request, stream=True)
        try:
            resp_headers = {k.lower(): v for k, v in response.headers.items()}
            if response.status_code in _REDIRECTS:
                return response.status_code, resp_headers, b"", response.headers.get("location")
            if not 200 <= response.status_code < 300:
                return response.status_code, resp_headers, b"", None
            length = response.headers.get("content-length", "")
            if length.isdigit() and response.headers.get("content-encoding") is None \
                    and int(length) > self.config.max_bytes:
                raise FetchError(f"body of {length} bytes exceeds the {self.config.max_bytes} "
                                 f"byte cap")
            decoder = _Decoder(response.headers.get("content-encoding", ""),
                               self.config.max_bytes)
            parts = [decoder.feed(chunk) async for chunk in response.aiter_raw(_CHUNK)]
            return response.status_code, resp_headers, b"".join(parts), None
        finally:
            await response.aclose()


def _origin(url: httpx.URL) -> str:
    """The per-host limit is per origin (scheme, host, port), as browsers count connections."""
    port = url.port or (443 if url.scheme == "https" else 80)
    return f"{url.scheme}://{url.host}:{port}"


def _describe(err: httpx.HTTPError | httpx.InvalidURL) -> str:
    kinds: dict[type[Exception], str] = {
        httpx.ConnectTimeout: "connect timeout",
        httpx.ReadTimeout: "read timeout",
        httpx.ConnectError: "cannot connect",
        httpx.RemoteProtocolError: "protocol error",
    }
    kind = kinds.get(type(err), type(err).__name__)
    detail = str(err) or ""
    return f"{kind}: {detail}"[:300] if detail else kind
