"""A plain-text progress bar with time remaining, for long design diagnoses."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["ProgressBar", "format_seconds"]


def format_seconds(seconds: float) -> str:
    """Seconds as ``m:ss`` or ``h:mm:ss``.

    Examples
    --------
    >>> format_seconds(75.2), format_seconds(3725)
    ('1:15', '1:02:05')
    """
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressBar:
    """Shows ``done/total`` simulated trials, a bar, elapsed time and time remaining.

    Writes to ``stream`` (default standard error) at most every ``interval`` seconds
    and once at the end, so the deterministic output (standard output, files) never
    carries it.

    Examples
    --------
    >>> import io
    >>> stream = io.StringIO()
    >>> bar = ProgressBar(10, stream=stream, interval=0.0, clock=iter(range(100)).__next__)
    >>> bar.advance(5); bar.close()
    >>> "10/10" in stream.getvalue()
    True
    """

    def __init__(self, total: int, *, label: str = "simulated trials",
                 stream: TextIO | None = None, interval: float = 0.5, width: int = 30,
                 clock=time.monotonic) -> None:
        self.total, self.label, self.width, self.interval = total, label, width, interval
        self.stream = sys.stderr if stream is None else stream
        self._clock = clock
        self.done = 0
        self._start = clock()
        self._last = -float("inf")

    def advance(self, n: int) -> None:
        """Count ``n`` more trials done and redraw if due."""
        self.done += n
        now = self._clock()
        if now - self._last >= self.interval:
            self._draw(now)

    def close(self) -> None:
        """Draw the final state and end the line."""
        self.done = self.total
        self._draw(self._clock())
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, now: float) -> None:
        self._last = now
        elapsed = now - self._start
        share = self.done / self.total if self.total else 1.0
        filled = int(self.width * share)
        remaining = elapsed * (1 - share) / share if share > 0 else float("nan")
        eta = format_seconds(remaining) if remaining == remaining else "?"
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{self.done}/{self.total} {self.label}, "
                          f"{format_seconds(elapsed)} elapsed, {eta} left")
        self.stream.flush()
