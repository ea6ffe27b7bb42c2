"""Shared plumbing of the command-line entry points (``python -m iedereen_doet_mee.X``).

Commands print what a user can act on and never a Python traceback. Every command
exits with the same statuses:

* 0: done (data valid, report written, ...);
* 1: the trial data are invalid (:class:`~iedereen_doet_mee.errors.TrialDataError`,
  or problems a command found and printed itself);
* 2: a bad option, design or output folder (``argparse`` errors, a
  :class:`~iedereen_doet_mee.errors.DesignError` or
  :class:`~iedereen_doet_mee.errors.OutputFolderError`, an option a command checked);
* 3: an unexpected error, described in one line to report.

A Python warning that reaches the user is printed as one line, ``NAME: warning:
MESSAGE``, not with the package's source line. When the reader of standard output
stops early (``... | head -1``), the rest of the output is dropped quietly and the
command still ends with its own status.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TextIO

from .errors import DesignError, OutputFolderError, TrialDataError

__all__ = ["run_command"]


class _QuietStdout:
    """Standard output that drops what it cannot write once the reader has gone.

    On the first ``BrokenPipeError`` the file descriptor of standard output is pointed
    at ``os.devnull``, so that nothing fails when Python flushes it at exit.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._gone = False

    def _silence(self) -> None:
        self._gone = True
        with contextlib.suppress(AttributeError, OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._silence()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._silence()

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno, ...
        return getattr(self._stream, name)


@contextlib.contextmanager
def _command_output(name: str) -> Iterator[None]:
    """Quiet standard output and one-line warnings while a command runs."""
    def one_line(message: Warning | str, category: type[Warning], filename: str,
                 lineno: int, file: TextIO | None = None, line: str | None = None) -> None:
        text = " ".join(str(message).split())
        print(f"{name}: warning: {text}", file=sys.stderr)

    stdout = sys.stdout
    quiet = _QuietStdout(stdout)
    sys.stdout = quiet
    try:
        with warnings.catch_warnings():
            warnings.showwarning = one_line
            yield
        quiet.flush()
    finally:
        sys.stdout = stdout


def run_command(main: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None,
                name: str) -> int:
    """Run ``main(argv)``; turn exceptions into messages and exit statuses.

    Returns
    -------
    int
        ``main``'s status; 1 for invalid trial data; 2 for an invalid design, argument
        or output folder; 3 for an unexpected error.
    """
    try:
        with _command_output(name):
            return main(argv)
    except TrialDataError as exc:
        print(str(exc), file=sys.stderr)
        print(f"{name}: the trial data are invalid (see the problems above)", file=sys.stderr)
        return 1
    except (DesignError, OutputFolderError) as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        print(f"{name}: unexpected error ({type(exc).__name__}: {exc}). Please report this "
              "with the command you ran.", file=sys.stderr)
        return 3
