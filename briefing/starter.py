"""``briefing init [DIR]``: a commented starter config, an empty outbox and a sample OPML file,
so someone who installed the package can begin without the repository's samples.

The starter files ship in the package (``briefing/starter/``). An existing config.yaml is never
overwritten; an existing feeds.opml or outbox is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .resources import starter_dir

CONFIG_NAME = "config.yaml"
OPML_NAME = "feeds.opml"
OUTBOX_NAME = "outbox"


@dataclass
class InitResult:
    config: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def starter_config() -> str:
    return (starter_dir() / CONFIG_NAME).read_text(encoding="utf-8")


def init_folder(folder: Path) -> InitResult:
    """Write the starter files into ``folder`` (created if missing)."""
    config = folder / CONFIG_NAME
    if config.exists():
        raise InputError(
            f"{config} already exists: not overwritten (edit it, or init another folder)"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with config.open("x", encoding="utf-8") as handle:
            handle.write(starter_config())
        result = InitResult(config=config, written=[config])
        opml = folder / OPML_NAME
        if opml.exists():
            result.kept.append(opml)
        else:
            opml.write_bytes((starter_dir() / OPML_NAME).read_bytes())
            result.written.append(opml)
        outbox = folder / OUTBOX_NAME
        if outbox.exists():
            result.kept.append(outbox)
        else:
            outbox.mkdir()
            result.written.append(outbox)
    except FileExistsError:
        raise InputError(f"{config} already exists: not overwritten") from None
    except OSError as err:
        reason = err.strerror or err
        raise InputError(f"cannot write the starter files in {folder}: {reason}") from None
    return result
