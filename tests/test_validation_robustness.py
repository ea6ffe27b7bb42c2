"""The validator never crashes: nasty cells anywhere give a report, never a traceback.

Deterministic fuzzing: a fixed seed corrupts random cells of every table of the
bundled synthetic trial with values known to trip parsers.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

from iedereen_doet_mee.data import validate_trial_directory

SYNTHETIC = Path(__file__).resolve().parents[1] / "data" / "synthetic"
NASTY = ["", " ", "NaN", "nan", "None", "NULL", "inf", "-inf", "1e400", "-0", "0x1A",
         "99999999999999999999", "１２３", "２０１５-01-01", "2015-1-1", "2015-02-29",
         "0001-01-01", "9999-12-31", "٣", "yes ", "TRUE", "1,5", "1.5.5", "'", '"', "\t",
         "P0001", "111222333", "40-60", "regular_work", "—", "é", "<script>"]


@pytest.mark.parametrize("seed", range(8))
def test_corrupted_cells_never_crash_the_validator(tmp_path, seed):
    rng = np.random.default_rng(seed)
    for path in SYNTHETIC.iterdir():
        if path.suffix != ".csv":
            shutil.copy(path, tmp_path / path.name)
            continue
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        for _ in range(15):
            r = int(rng.integers(1, len(rows)))
            c = int(rng.integers(0, len(rows[0])))
            rows[r][c] = NASTY[int(rng.integers(0, len(NASTY)))]
        with open(tmp_path / path.name, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    report = validate_trial_directory(tmp_path)
    assert list(report.problems.columns) == ["file", "row", "column", "rule", "severity",
                                             "message"]
    assert report.summary()  # renders
    assert "111222333" not in report.summary(max_per_rule=None)
