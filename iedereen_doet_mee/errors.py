"""Exception and warning classes shared by the whole package.

Every error a user can trigger with bad input is a subclass of :class:`ValueError`
whose message names the value, where it was found and what is allowed. Statistical
caveats are warnings of their own categories so that they can be filtered.
"""

from __future__ import annotations

__all__ = [
    "DesignError",
    "MissingTableWarning",
    "OutputFolderError",
    "TrialDataError",
]


class DesignError(ValueError):
    """A trial design was declared with an invalid field.

    Parameters
    ----------
    field : str
        Name of the offending field, as the user wrote it (``"n_per_cell"``,
        ``"strata"``, ...).
    message : str
        What is wrong and what is allowed.

    Examples
    --------
    >>> err = DesignError("target_outflow", "must lie in (0, 1), got 1.4")
    >>> print(err)
    TrialDesign field 'target_outflow': must lie in (0, 1), got 1.4
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"TrialDesign field {field!r}: {message}")


class TrialDataError(ValueError):
    """A trial directory failed validation.

    The validation report is attached as :attr:`report`; ``str(error)`` lists every
    problem found, each with its file, row, column and rule.
    """

    def __init__(self, report: object) -> None:
        self.report = report
        super().__init__(str(report))


class OutputFolderError(ValueError):
    """A command may not write into the output folder it was given.

    Raised before any work is done; nothing was written or deleted. The message says
    why (the folder holds files the package did not write, it is or holds the input,
    ...) and what to do. The command line exits with status 2.
    """


class MissingTableWarning(UserWarning):
    """An optional table is absent, so an analysis that needs it is skipped."""
