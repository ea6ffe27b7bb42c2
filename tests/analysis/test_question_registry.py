"""The question registry: each research question declared once, and everything that
lists questions (analyse_trial, the records, the report's sections and figures) reads it."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from iedereen_doet_mee.analysis import analyse_trial
from iedereen_doet_mee.analysis import questions as registry
from iedereen_doet_mee.analysis.questions import (
    QUESTIONS,
    SECTIONS,
    Question,
    not_applicable,
    questions_in_section,
)
from iedereen_doet_mee.analysis.results import AnalysisResult, tidy_row, tidy_table
from iedereen_doet_mee.analysis.trial_inputs import accepts_trial
from iedereen_doet_mee.data import load_trial
from iedereen_doet_mee.reporting.figures.estimates import REPORT_FIGURES
from iedereen_doet_mee.reporting.records import analysis_records

ROOT = Path(__file__).resolve().parents[2]
DIRECTORIES = [ROOT / "data" / "synthetic", *sorted((ROOT / "tests" / "regressions").iterdir())]


@pytest.mark.parametrize("directory", DIRECTORIES, ids=lambda p: p.name)
def test_every_question_is_answered_or_skipped_with_a_reason(directory):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        analysis = analyse_trial(load_trial(directory), n_draws=50, n_bootstrap=50)
    assert set(analysis.results) | set(analysis.skipped) == set(QUESTIONS)
    assert not set(analysis.results) & set(analysis.skipped)
    assert list(analysis.results) == [q for q in QUESTIONS if q in analysis.results]
    assert all(analysis.skipped.values())
    records = analysis_records(analysis)
    for question, outcome in zip(records["question"], records["outcome"], strict=True):
        assert outcome == QUESTIONS[question].outcome


def test_arms_rule_of_each_question():
    two_arm_only = {q.key for q in QUESTIONS.values() if not_applicable(q, 1)}
    # instruments are analysed within the arm(s) offered them: everyone, for one arm
    assert two_arm_only == {"effects"}
    not_beyond_two = {q.key for q in QUESTIONS.values() if not_applicable(q, 3)}
    assert not_beyond_two == {"effects", "instruments", "survival", "missing"}
    assert all(not_applicable(q, 2) is None for q in QUESTIONS.values())


def test_sections_and_figures_refer_to_registered_questions():
    for question in QUESTIONS.values():
        assert question.section is None or question.section in SECTIONS
    for key in SECTIONS:
        assert questions_in_section(key), f"section {key} shows no question"
    for stem, figure in REPORT_FIGURES.items():
        assert figure.question in QUESTIONS, stem
        assert figure.section in SECTIONS, stem
    with pytest.raises(KeyError, match="no report section"):
        questions_in_section("nope")


@accepts_trial("frame")
def _share_in_work(data: pd.DataFrame, *, level: float = 0.95) -> AnalysisResult:
    n = len(data)
    share = float(data["regular_work"].mean()) if n else float("nan")
    return AnalysisResult("in_work", "Share in work", tidy_table(
        [tidy_row("overall", share, estimator="proportion_wilson", n=n)]), n=n)


def test_a_new_question_is_one_entry_in_the_registry(monkeypatch):
    added = Question("in_work", _share_in_work, "regular_work", section="target")
    monkeypatch.setitem(registry.QUESTIONS, "in_work", added)
    analysis = analyse_trial(load_trial(DIRECTORIES[0]), n_draws=20, n_bootstrap=20)
    assert "in_work" in analysis.results
    records = analysis_records(analysis)
    assert set(records.loc[records["question"] == "in_work", "outcome"]) == {"regular_work"}
    assert [q.key for q in questions_in_section("target")] == ["target", "in_work"]
