"""Load a validated trial directory into typed tables.

:func:`load_trial` validates first and refuses invalid data with a
:class:`~iedereen_doet_mee.errors.TrialDataError` that lists every problem. Only the
participants table is required; :meth:`TrialData.table` returns ``None`` for an
absent optional table, and :meth:`TrialData.optional_table` also warns with
:class:`~iedereen_doet_mee.errors.MissingTableWarning`, naming the analysis that has
to be skipped, so that analyses can say so and carry on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import warnings
from pathlib import Path

import pandas as pd

from ..design.trial_design import TrialDesign
from ..errors import MissingTableWarning, TrialDataError
from .problems import ValidationReport
from .schema import TABLES
from .validation import check_trial_directory

__all__ = ["TrialData", "file_sha256", "load_trial"]


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as hexadecimal text."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class TrialData:
    """A trial's design and its typed tables.

    Attributes
    ----------
    design : TrialDesign
        The design the data were validated against.
    tables : dict of str to pandas.DataFrame
        The tables present, by name; ``participants`` is always there.
    report : ValidationReport or None
        The validation report (its warnings are worth reading); ``None`` for data
        built in memory, e.g. by the simulator.
    checksums : dict of str to str
        SHA-256 of each input file, by file name (empty for data built in memory).
    """

    design: TrialDesign
    tables: dict[str, pd.DataFrame]
    report: ValidationReport | None = None
    checksums: dict[str, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if "participants" not in self.tables:
            raise ValueError("TrialData needs a participants table")
        unknown = sorted(set(self.tables) - set(TABLES))
        if unknown:
            raise ValueError(f"TrialData: unknown tables {unknown}; allowed: {', '.join(TABLES)}")

    @property
    def participants(self) -> pd.DataFrame:
        """The participants table."""
        return self.tables["participants"]

    @property
    def activities(self) -> pd.DataFrame | None:
        """The activities table (education, volunteering, ...), or ``None`` when absent."""
        return self.tables.get("activities")

    def table(self, name: str) -> pd.DataFrame | None:
        """The table called ``name``, or ``None`` when the data do not have it."""
        if name not in TABLES:
            raise KeyError(f"no table {name!r} in the data model; tables: {', '.join(TABLES)}")
        return self.tables.get(name)

    def optional_table(self, name: str, *, needed_for: str) -> pd.DataFrame | None:
        """Like :meth:`table`, but warn when absent that ``needed_for`` is skipped."""
        frame = self.table(name)
        if frame is None:
            warnings.warn(
                f"table {name!r} is absent from the trial data, so {needed_for} is not "
                "available; the other results stand",
                MissingTableWarning,
                stacklevel=2,
            )
        return frame

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables.items())
        return f"TrialData({self.design.name!r}: {sizes})"


def load_trial(directory: str | Path, *,
               design: TrialDesign | str | Path | None = None) -> TrialData:
    """Validate a trial directory and load its tables.

    Parameters
    ----------
    directory : str or Path
        The trial directory.
    design : TrialDesign, path or None
        Overrides the directory's ``design.toml``.

    Returns
    -------
    TrialData

    Raises
    ------
    TrialDataError
        When validation finds any error; ``error.report`` holds every problem.
    """
    checked = check_trial_directory(directory, design=design)
    if not checked.report.is_valid or checked.design is None:
        raise TrialDataError(checked.report)
    paths = list(checked.paths.values())
    design_file = Path(directory) / "design.toml"
    if design is None and design_file.exists():
        paths.append(design_file)
    checksums = {path.name: file_sha256(path) for path in sorted(paths)}
    return TrialData(checked.design, checked.tables, checked.report, checksums)
