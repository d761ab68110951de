"""Rebuild the rendered examples shown in the README: docs/email.png and docs/pdf-<n>.png.

The briefing is the real pipeline's output for the bundled samples (the same as `make run`),
built in a temporary database so the repository's state is not touched.

    .venv/bin/python scripts/render_examples.py [--pages 2]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from PIL import Image  # noqa: E402
from render_look import pdf_pages, screenshot, tools_missing  # noqa: E402

from briefing import pipeline, render  # noqa: E402
from briefing.config import load_config  # noqa: E402
from briefing.models import Briefing  # noqa: E402
from briefing.store import Store  # noqa: E402

SAMPLES_AS_OF = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)


def sample_briefing(workdir: Path) -> Briefing:
    config = load_config(REPO / "config.yaml").model_copy(
        update={"database": workdir / "briefing.db", "outbox": workdir / "outbox"}
    )
    with Store(config.database) as store:
        pipeline.collect(config, store, SAMPLES_AS_OF)
        return pipeline.build_briefing(config, store, SAMPLES_AS_OF)


def shrink(png: Path) -> None:
    """A 256-colour palette keeps text crisp and the picture small enough for the repository."""
    with Image.open(png) as image:
        small = image.convert("RGB").quantize(colors=256)
    small.save(png, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2, help="PDF pages to keep as PNG")
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    args = parser.parse_args()
    if missing := tools_missing():
        print(f"missing: {', '.join(missing)} (run `make sysdeps`)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="briefing-examples-") as tmp:
        work = Path(tmp)
        briefing = sample_briefing(work)
        email = work / "briefing.html"
        email.write_text(render.render_html(briefing), encoding="utf-8")
        shrink(screenshot(email, args.out / "email.png", width=720, height=2200))
        pdf = work / "briefing.pdf"
        pdf.write_bytes(render.render_pdf(briefing))
        for old in args.out.glob("pdf-*.png"):
            old.unlink()
        for number, page in enumerate(pdf_pages(pdf, work / "page", dpi=80), start=1):
            if number > args.pages:
                break
            shrink(Path(shutil.copyfile(page, args.out / f"pdf-{number}.png")))
    print(f"wrote {args.out / 'email.png'} and {args.pages} PDF page(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
