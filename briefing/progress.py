"""What a long build is doing, shown on a terminal: one transient rich progress line."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class Steps:
    """The build's current step ("grouping 5,000 articles into stories") and, for a step that
    counts, how far it is. Silent unless enabled and writing to a terminal, so logs, pipes and
    the daemon see nothing."""

    def __init__(self, enabled: bool = False, console: Console | None = None) -> None:
        console = console or Console(stderr=True)
        self._progress = (
            Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[count]}"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            if enabled and console.is_terminal
            else None
        )
        self._task: TaskID | None = None

    def __enter__(self) -> Steps:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def step(self, description: str, total: int | None = None) -> None:
        """Start a step; ``total`` when it advances through that many items."""
        if self._progress is None:
            return
        if self._task is not None:
            self._progress.remove_task(self._task)
        count = f"0/{total}" if total is not None else ""
        self._task = self._progress.add_task(description, total=total, count=count)
        self._progress.refresh()

    def advance(self) -> None:
        if self._progress is None or self._task is None:
            return
        self._progress.advance(self._task)
        task = next(t for t in self._progress.tasks if t.id == self._task)
        self._progress.update(self._task, count=f"{int(task.completed)}/{int(task.total or 0)}")
        self._progress.refresh()
