"""A WeasyPrint URL fetcher that serves the project's own template assets and nothing else.

The print template links its stylesheet relative to ``ASSET_BASE``, a host under the reserved
``.invalid`` top-level domain that cannot resolve. The fetcher answers only URLs naming a file
listed in ``templates/assets`` and refuses everything else before any byte is read: ``file://``,
other local paths, ``data:``, remote hosts (so no redirect can ever be followed either).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from .resources import assets_dir

ASSETS_DIR = assets_dir()
ASSET_BASE = "https://assets.briefing.invalid/"
_ASSET_HOST = urlsplit(ASSET_BASE).hostname
_ASSET_TYPES = {".css", ".png", ".svg", ".jpg", ".jpeg", ".woff", ".woff2", ".ttf", ".otf"}


class RefusedURLError(ValueError):
    """Raised to WeasyPrint for any URL that is not one of the project's own assets.

    WeasyPrint turns ordinary exceptions from a fetcher into a logged warning and renders on,
    so a hostile ``<img>`` costs a missing picture, never a read.
    """


class AssetOnlyFetcher(URLFetcher):
    """Serves files of ``assets_dir`` under ``ASSET_BASE``; records what it served and refused."""

    def __init__(self, assets_dir: Path = ASSETS_DIR) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self._assets_dir = assets_dir.resolve()
        self._allowed = {
            entry.name: entry
            for entry in (self._assets_dir.iterdir() if self._assets_dir.is_dir() else ())
            if entry.suffix.lower() in _ASSET_TYPES and entry.is_file()
        }
        self.served: list[str] = []
        self.refused: list[str] = []

    def asset_for(self, url: str) -> Path | None:
        """The asset file ``url`` names, or None when the URL is anything else."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme != "https" or parts.hostname != _ASSET_HOST:
            return None
        if parts.port is not None or parts.username or parts.password or parts.query:
            return None
        name = unquote(parts.path).removeprefix("/")
        path = self._allowed.get(name)
        if path is None:
            return None
        if path.resolve().parent != self._assets_dir:
            return None
        return path

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = self.asset_for(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURLError(f"refused to fetch {url!r}: not one of the briefing's assets")
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
