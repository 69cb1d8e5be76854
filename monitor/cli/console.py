"""Terminal output: a live progress line per source on a TTY, plain lines otherwise, and the summary table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from monitor.models import RunCounts
from monitor.stages.clean import terminal_safe

if TYPE_CHECKING:
    from monitor.alerting.delivery import DeliveryReport
    from monitor.run.source_run import SourceResult


@dataclass
class Console:
    """Where the CLI writes: results to `stdout`; progress only when stderr is a terminal."""

    stdout: TextIO
    stderr: TextIO
    live: bool
    quiet: bool = False

    @classmethod
    def for_streams(cls, stdout: TextIO, stderr: TextIO, quiet: bool = False) -> Console:
        return cls(stdout, stderr, live=stderr.isatty() and not quiet, quiet=quiet)

    def out(self, text: str) -> None:
        safe = "\n".join(terminal_safe(line) for line in text.rstrip("\n").split("\n"))
        self.stdout.write(safe + "\n")
        self.stdout.flush()

    def error(self, text: str) -> None:
        """An error for the user: one line on stderr, prefixed `remon:`, whatever the verbosity."""
        self.stderr.write("remon: " + text.rstrip("\n") + "\n")
        self.stderr.flush()

    def progress(self, source: str, counts: RunCounts) -> None:
        """Rewrite the progress line for a source (terminal only; cron logs stay quiet)."""
        if self.live:
            self.stderr.write(f"\r\033[K{progress_line(source, counts)}")
            self.stderr.flush()

    def end_progress(self, source: str, counts: RunCounts) -> None:
        if self.live:
            self.stderr.write(f"\r\033[K{progress_line(source, counts)}\n")
            self.stderr.flush()


def progress_line(source: str, counts: RunCounts) -> str:
    return (f"{source}: pages {counts.pages}  new {counts.new}  relevant {counts.relevant}  "
            f"errors {counts.errors}")


COLUMNS = ("source", "pages", "new", "relevant", "duplicates", "stories", "alerts", "errors", "seconds")


def summary_table(results: list[SourceResult], delivery: DeliveryReport | None,
                  wall_seconds: float | None = None) -> str:
    """A fixed-width table: one row per source, a total row, then notes and alert delivery.

    The total's seconds are the cycle's wall time when given (sources may run in parallel).
    """
    rows = [_row(r.source, r.counts, r.seconds, r.status) for r in results]
    total = RunCounts()
    for result in results:
        total.add(result.counts)
    elapsed = wall_seconds if wall_seconds is not None else sum(r.seconds for r in results)
    rows.append(_row("TOTAL", total, elapsed, "ok"))
    widths = [max(len(COLUMNS[i]), *(len(row[i]) for row in rows)) for i in range(len(COLUMNS))]
    lines = [_aligned(COLUMNS, widths)] + [_aligned(row, widths) for row in rows]
    for result in results:
        if result.error:
            lines.append(f"{result.source}: {result.status}: {result.error}")
        lines.extend(f"{result.source}: {note}" for note in result.notes)
    if delivery is not None:
        lines.append(f"alerts: {delivery.sent} sent, {delivery.failed} failed attempts, "
                     f"{delivery.pending} pending")
    return "\n".join(lines)


def _aligned(cells: list[str] | tuple[str, ...], widths: list[int]) -> str:
    """The first cell left-aligned, numbers right-aligned, two spaces apart."""
    return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))


def _row(name: str, counts: RunCounts, seconds: float, status: str) -> list[str]:
    label = name if status == "ok" else f"{name} ({status})"
    values = counts.as_row()
    return [label, *(str(values[c]) for c in COLUMNS[1:-1]), f"{seconds:.1f}"]
