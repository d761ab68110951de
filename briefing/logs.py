"""Where log events go: rich output on a terminal, one line per event everywhere else.

Under systemd (the journal) or with stderr sent to a file, rich would wrap each event at 80
columns and the journal would get fragments; there, every event is one line with its level and
logger name (and the time, unless the journal adds its own). The scheduler's per-job chatter
("Running job", "executed successfully", once a collect interval) stays below INFO; its warnings
and errors (a missed run, a job that raised) still show.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TextIO

from rich.console import Console
from rich.logging import RichHandler

SCHEDULER_CHATTER = "apscheduler.executors"


class OneLineFormatter(logging.Formatter):
    """``LEVEL logger: message`` with any line break (a traceback too) folded into `` | ``."""

    def __init__(self, *, timestamps: bool = True) -> None:
        prefix = "%(asctime)s " if timestamps else ""
        super().__init__(f"{prefix}%(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return " | ".join(line for line in text.replace("\r\n", "\n").split("\n") if line)


def log_handler(stream: TextIO | None = None) -> logging.Handler:
    """A rich handler when ``stream`` (default stderr) is a terminal, else one line per event."""
    stream = stream or sys.stderr
    if stream.isatty():
        # A rich console looks sys.stderr up at each write, so log lines go above a progress
        # bar (rich redirects stderr while the bar is live) instead of through it.
        return RichHandler(console=Console(stderr=True), show_path=False, markup=False)
    handler = logging.StreamHandler(stream)
    # systemd sets JOURNAL_STREAM when stderr is the journal, which stamps each line itself.
    handler.setFormatter(OneLineFormatter(timestamps="JOURNAL_STREAM" not in os.environ))
    return handler


def setup_logging(verbose: bool, stream: TextIO | None = None) -> None:
    """Configure the root logger once per process (like ``logging.basicConfig``, a no-op when
    it already has handlers) and quiet the scheduler's chatter."""
    logging.getLogger(SCHEDULER_CHATTER).setLevel(logging.WARNING)
    if logging.getLogger().handlers:
        return
    handler = log_handler(stream)
    if isinstance(handler, RichHandler):
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])
