"""HTML in, PDF out, by WeasyPrint with the asset-only URL fetcher.

``render_pdf`` runs this module as a child process (``python -m briefing.pdf_worker``, HTML on
stdin, PDF on stdout) because WeasyPrint cannot be interrupted mid-layout: a process is the
unit that can be killed when a render overruns its time budget.
"""

from __future__ import annotations

import sys

from .pdf_fetcher import ASSET_BASE, AssetOnlyFetcher


def html_to_pdf(html: str, fetcher: AssetOnlyFetcher | None = None) -> bytes:
    from weasyprint import HTML

    document = HTML(string=html, base_url=ASSET_BASE, url_fetcher=fetcher or AssetOnlyFetcher())
    pdf = document.write_pdf()
    assert pdf is not None
    return pdf


def main() -> int:
    html = sys.stdin.buffer.read().decode("utf-8")
    sys.stdout.buffer.write(html_to_pdf(html))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
