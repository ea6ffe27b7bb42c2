"""Shared plumbing of the command-line entry points (``python -m iedereen_doet_mee.X``).

Commands print what a user can act on and never a Python traceback: an expected
error (bad input) exits with status 1 or 2 and a message; an unexpected one exits
with status 3 and a one-line description to report.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from .errors import DesignError, OutputFolderError

__all__ = ["run_command"]


def run_command(main: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None,
                name: str) -> int:
    """Run ``main(argv)``; turn exceptions into messages and exit statuses.

    Returns
    -------
    int
        ``main``'s status; 2 for an invalid design, argument or output folder; 3 for an
        unexpected error.
    """
    try:
        return main(argv)
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
