"""The command line: parses arguments, calls the library, turns our errors into one-line messages.

Exit codes: 0 success; 1 an operation failed (network, store, render, delivery); 2 bad config or
bad input; 3 another build holds the lock; 4 ``status`` found something that needs attention.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from .config import Config, load_config
from .errors import BriefingError, InputError
from .lock import build_lock
from .logs import setup_logging
from .store import Store
from .when import briefing_date, parse_as_of

if TYPE_CHECKING:
    from .deliver import DeliveryReport

# The pipeline (scikit-learn, WeasyPrint, NLTK...) is imported inside the commands that need it,
# so `--help`, `status` and a bad config answer at once.

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Daily news briefing: extractive, traceable."
)
sources_app = typer.Typer(no_args_is_help=True, help="Manage the feeds you follow.")
app.add_typer(sources_app, name="sources")

err_console = Console(stderr=True)
# soft_wrap: a line printed is one line, whatever the width (a pipe or a file is not 80 columns).
out = Console(highlight=False, soft_wrap=True)

ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="Path to config.yaml.", show_default=True)
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Build as of this ISO-8601 time (a bare date means that day at schedule.time).",
    ),
]
CollectFirstOption = Annotated[
    bool, typer.Option("--collect/--no-collect", help="Collect new articles first.")
]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Log each step.")]

F = TypeVar("F", bound=Callable[..., Any])


def guarded(fn: F) -> F:
    """Run a command; a BriefingError becomes one line on stderr and its exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BriefingError as err:
            err_console.print(f"[bold red]error:[/] {err}", highlight=False, soft_wrap=True)
            raise typer.Exit(err.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("interrupted")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _setup_logging(verbose: bool) -> None:
    setup_logging(verbose)


def _now() -> datetime:
    return datetime.now(UTC)


def _as_of(config: Config, text: str | None) -> datetime:
    if text is None:
        return _now()
    default = time(config.schedule.hour, config.schedule.minute)
    return parse_as_of(text, config.tz, default)


def _progress() -> bool:
    return sys.stderr.isatty()


@app.command()
@guarded
def run(
    config: ConfigOption = Path("config.yaml"),
    as_of: AsOfOption = None,
    send: Annotated[
        bool, typer.Option("--send/--no-send", help="Mail the briefing to email.to.")
    ] = False,
    collect: CollectFirstOption = True,
    verbose: VerboseOption = False,
) -> None:
    """Collect, build today's briefing, write the outbox (and send it with --send)."""
    _setup_logging(verbose)
    cfg = load_config(config)
    moment = _as_of(cfg, as_of)
    from . import pipeline

    with build_lock(cfg.database, "briefing run"), Store(cfg.database) as store:
        result = pipeline.run_once(
            cfg, store, moment, _now(), do_collect=collect, progress=_progress(), send=send
        )
    if result.collect is not None:
        out.print(result.collect.summary_line())
    out.print(
        f"briefing {result.briefing.date}: {len(result.briefing.stories)} stories", style="bold"
    )
    for path in result.paths:
        out.print(str(path))
    if result.pruned:
        out.print(f"pruned {len(result.pruned)} day folder(s) past archive.keep_days:"
                  f" {', '.join(result.pruned)}")
    if result.delivery is not None:
        _print_delivery(result.delivery)
        if result.delivery.failed or result.delivery.deferred:
            raise typer.Exit(1)


@app.command()
@guarded
def pdf(
    config: ConfigOption = Path("config.yaml"),
    as_of: AsOfOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write the PDF.")
    ] = None,
    collect: CollectFirstOption = True,
    verbose: VerboseOption = False,
) -> None:
    """Write a one-off PDF briefing now (the outbox and the ledger are not touched)."""
    _setup_logging(verbose)
    cfg = load_config(config)
    moment = _as_of(cfg, as_of)
    target = output or Path(f"briefing-{briefing_date(moment, cfg.tz)}.pdf")
    from . import pipeline

    with Store(cfg.database) as store:
        path = pipeline.one_off_pdf(
            cfg, store, moment, _now(), target, do_collect=collect, progress=_progress()
        )
    out.print(str(path))


@app.command()
@guarded
def collect(
    config: ConfigOption = Path("config.yaml"),
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Fetch every feed now, even those not yet due or disabled by a 410."
        ),
    ] = False,
    verbose: VerboseOption = False,
) -> None:
    """Fetch what is new from every source that is due into the database."""
    _setup_logging(verbose)
    cfg = load_config(config)
    from . import pipeline

    with Store(cfg.database) as store:
        report = pipeline.collect(cfg, store, _now(), progress=_progress(), force=force)
    out.print(report.summary_line())
    if report.all_failed:
        raise typer.Exit(1)


def _print_delivery(report: DeliveryReport) -> None:
    for item in report.results:
        detail = f" ({item.error})" if item.error else ""
        out.print(f"{item.date} {item.recipient}: {item.state}{detail}")
    out.print(report.summary_line())


@app.command()
@guarded
def send(
    config: ConfigOption = Path("config.yaml"),
    date: Annotated[
        str | None,
        typer.Option("--date", help="Briefing date YYYY-MM-DD: send it, retrying what failed."),
    ] = None,
    verbose: VerboseOption = False,
) -> None:
    """Deliver what is pending (or, with --date, that day's briefing, retrying failures)."""
    _setup_logging(verbose)
    cfg = load_config(config)
    if date is not None:
        try:
            date = datetime.strptime(date, "%Y-%m-%d").date().isoformat()
        except ValueError:
            raise InputError(f"--date: {date!r} is not a date like 2026-11-21") from None
    from . import deliver

    with build_lock(cfg.database, "briefing send"), Store(cfg.database) as store:
        report = deliver.deliver_pending(cfg, store, _now(), date, retry_failed=date is not None)
    _print_delivery(report)
    if report.failed or report.deferred:
        raise typer.Exit(1)


@app.command()
@guarded
def daemon(config: ConfigOption = Path("config.yaml")) -> None:
    """Run the schedule: collect every N minutes, build and mail at schedule.time (local).

    Edits of the config file apply from the next job; SIGHUP applies them at once.
    """
    _setup_logging(True)
    from . import schedule

    cfg = load_config(config)
    schedule.run_daemon(cfg, config_path=cfg.path)


@app.command()
@guarded
def status(config: ConfigOption = Path("config.yaml")) -> None:
    """Last and next briefing, last collect, feed health, deliveries (exit 4: needs attention)."""
    from . import status as status_mod

    cfg = load_config(config)
    with Store(cfg.database) as store:
        found = status_mod.gather_status(cfg, store, _now())
    out.print(status_mod.format_status(found, cfg))
    if found.needs_attention:
        raise typer.Exit(4)


@app.command()
@guarded
def init(
    folder: Annotated[
        Path, typer.Argument(help="Folder for config.yaml, outbox/ and feeds.opml.")
    ] = Path("."),
) -> None:
    """Start here: write a commented config.yaml, an empty outbox and a sample feeds.opml."""
    from .starter import init_folder

    result = init_folder(folder)
    for path in result.written:
        out.print(f"wrote {path}{'/' if path.is_dir() else ''}")
    for path in result.kept:
        out.print(f"kept {path} (already there)")
    out.print(
        f"next: add your feeds to {result.config} (or `briefing sources import"
        f" {folder / 'feeds.opml'} --config {result.config}`), then"
        f" `briefing run --config {result.config}`",
        soft_wrap=True,
    )


@sources_app.command("import")
@guarded
def sources_import(
    opml: Annotated[Path, typer.Argument(help="OPML file exported from a feed reader.")],
    config: ConfigOption = Path("config.yaml"),
) -> None:
    """Add the feeds of an OPML file to the config file's sources (comments kept)."""
    from .opml import import_opml

    added = import_opml(opml, load_config(config))
    for source in added:
        out.print(f"added {source.name}: {source.url}")
    out.print(f"{len(added)} new source{'s' if len(added) != 1 else ''} added to {config}")


def main() -> None:
    app(prog_name="briefing")
