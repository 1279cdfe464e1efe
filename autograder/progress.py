"""What the instructor watches while grading runs (a bar with ETA on stderr) and reads after it
(a table, one row per submission)."""
import sys
import time

from .text import for_terminal


def _clock(seconds):
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    """A one-line progress bar on stderr: done/total, failures, elapsed time and ETA.

    On a terminal it redraws in place; in a log (not a tty) it prints one line per submission."""

    def __init__(self, total, label, stream=None, width=30):
        self.total, self.label, self.width = total, label, width
        self.stream = stream or sys.stderr
        self.done = self.failed = 0
        self.start = time.monotonic()
        self.tty = self.stream.isatty()

    def line(self):
        elapsed = time.monotonic() - self.start
        filled = int(self.width * self.done / self.total) if self.total else self.width
        eta = elapsed / self.done * (self.total - self.done) if self.done else None
        return (f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                f"{self.done}/{self.total}, {self.failed} failed, elapsed {_clock(elapsed)}, "
                f"ETA {_clock(eta) if eta is not None else '?'}")

    def step(self, failed=False):
        self.done += 1
        self.failed += bool(failed)
        self.stream.write(("\r" if self.tty else "") + self.line() + ("" if self.tty else "\n"))
        self.stream.flush()

    def close(self):
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def table(rows, columns):
    """A plain-text table: `rows` are dicts, `columns` (key, heading) pairs."""
    cells = [[heading for _, heading in columns]]
    cells += [["" if r.get(k) is None else for_terminal(r.get(k)) for k, _ in columns]
              for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def duration(seconds):
    """"1d 6h", "2h 30m", "45s": a length of time in words (how late a file is)."""
    minutes = int(seconds // 60)
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    return " ".join(f"{n}{u}" for n, u in ((days, "d"), (hours, "h"), (minutes, "m")) if n) \
        or f"{seconds:.0f}s"
