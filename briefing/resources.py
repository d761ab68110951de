"""Where the files read at run time live: templates, stylesheets and the starter files.

An installed package carries them as ``briefing/templates`` and ``briefing/starter`` (the wheel
maps the repository's top-level ``templates/`` into the package); a source checkout reads
``templates/`` beside the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_PACKAGE = Path(str(files("briefing")))


def templates_dir() -> Path:
    packaged = _PACKAGE / "templates"
    if (packaged / "print.html.j2").is_file():
        return packaged
    return _PACKAGE.parent / "templates"


def assets_dir() -> Path:
    return templates_dir() / "assets"


def starter_dir() -> Path:
    return _PACKAGE / "starter"
