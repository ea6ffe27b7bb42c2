"""docs/analysis-plan.md points only at code that exists, names only estimators the
analyses report (and covers all of them), and quotes the design numbers its commands
print.

Estimator names are taken from the analyses themselves: :func:`analyse_trial` on the
bundled synthetic trial (assigned allocation) and on a simulated randomised trial, as
``tests/test_docs.py`` does, plus the steering forecast. A snake_case word in backticks
that is neither such an estimator nor a name the code defines elsewhere (an outcome
column, a design field, a table column, a parameter of a function the plan points at,
...) is reported as unknown: most likely a misspelt estimator.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import importlib.util
import inspect
import io
import json
import re
import shlex
import typing
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "docs" / "analysis-plan.md"
REFERENCE = re.compile(r"iedereen_doet_mee(?:\.\w+)+")
SNAKE = re.compile(r"[a-z][a-z0-9_]*")
NUMBERS_HEADER = "| command | estimator key | diagnosand | value |"
SUFFIX = "_non_experimental"


def _spans(text: str) -> list[str]:
    """Inline code spans outside fenced blocks, with ``\\|`` (a pipe in a table) unescaped."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return [span.replace("\\|", "|") for span in re.findall(r"`([^`\n]+)`", text)]


@pytest.fixture(scope="module")
def plan() -> str:
    return PLAN.read_text(encoding="utf-8")


def _resolve(reference: str) -> Any:
    """The module, class, function or constant ``reference`` names; raises if absent."""
    parts = reference.split(".")
    for cut in range(len(parts), 0, -1):
        name = ".".join(parts[:cut])
        try:
            target = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not (name + ".").startswith(exc.name + "."):
                raise  # the module exists but one of its own imports fails
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(f"no module in {reference!r}")


def test_every_function_and_module_the_plan_points_at_exists(plan):
    references = sorted({s for s in _spans(plan) if REFERENCE.fullmatch(s)})
    assert len(references) >= 40, references  # the plan points at the code throughout
    problems = []
    for reference in references:
        try:
            _resolve(reference)
        except (ImportError, AttributeError) as exc:
            problems.append(f"{reference}: {type(exc).__name__}: {exc}")
    assert problems == []
    commands = set(re.findall(r"python -m (iedereen_doet_mee(?:\.\w+)*)", plan))
    assert {"iedereen_doet_mee.diagnose", "iedereen_doet_mee.redesign",
            "iedereen_doet_mee.report", "iedereen_doet_mee.steer"} <= commands
    for module in commands:
        assert importlib.util.find_spec(module) is not None, module
        assert callable(getattr(importlib.import_module(module), "main", None)), module


@pytest.fixture(scope="module")
def analyses() -> list:
    """The analyses of an assigned (bundled) and a randomised (simulated) trial."""
    from iedereen_doet_mee.analysis import analyse_trial
    from iedereen_doet_mee.data import load_trial
    from iedereen_doet_mee.design import TrialDesign
    from iedereen_doet_mee.simulation import simulate_trial

    trials = (load_trial(ROOT / "data" / "synthetic"),
              simulate_trial(TrialDesign(allocation="randomised"), seed=4))
    return [analyse_trial(trial, n_draws=50, n_bootstrap=50) for trial in trials]


@pytest.fixture(scope="module")
def reported(analyses) -> set[str]:
    """Every estimator name the analyses and the steering forecast report."""
    from iedereen_doet_mee.analysis.steering import steering_forecast
    from iedereen_doet_mee.data import load_trial

    names = set()
    for analysis in analyses:
        names |= set(analysis.to_frame()["estimator"])
    forecast = steering_forecast(load_trial(ROOT / "data" / "synthetic"), "2015-07-01",
                                 draws=100)
    return names | set(forecast.to_frame()["estimator"])


def _vocabulary(plan: str, analyses: list) -> set[str]:
    """Names the code defines that are not estimators: columns, fields, options, ..."""
    from iedereen_doet_mee.analysis import TIDY_COLUMNS
    from iedereen_doet_mee.analysis.outcomes import OUTCOME_COLUMNS, Outcomes
    from iedereen_doet_mee.data.schema import TABLES
    from iedereen_doet_mee.design.trial_design import EXIT_REASONS, AllocationMethod, TrialDesign
    from iedereen_doet_mee.diagnosis.diagnosands import DIAGNOSANDS
    from iedereen_doet_mee.reporting.records import RECORD_FIELDS
    from iedereen_doet_mee.simulation import SimulationParameters

    words = {*TIDY_COLUMNS, *OUTCOME_COLUMNS, *EXIT_REASONS, *RECORD_FIELDS, *DIAGNOSANDS,
             *typing.get_args(AllocationMethod)}
    for kind in (Outcomes, TrialDesign, SimulationParameters):
        words |= {f.name for f in dataclasses.fields(kind)}
    for table in TABLES.values():
        words |= {table.name, *(c.name for c in table.columns)}
    for analysis in analyses:
        words |= set(analysis.results)
        for result in analysis.results.values():
            words |= set(result.extras)
    for reference in {s for s in _spans(plan) if REFERENCE.fullmatch(s)}:
        target = _resolve(reference)
        words.add(reference.rsplit(".", 1)[1])  # once named in full, the short name
        if callable(target):
            with contextlib.suppress(TypeError, ValueError):  # no signature (builtins)
                words |= set(inspect.signature(target).parameters)
    return words


def _estimator_problems(spans: list[str], reported: set[str], vocabulary: set[str]
                        ) -> list[str]:
    """Spans that look like estimator names but name nothing the code reports."""
    bare = reported | {n.removesuffix(SUFFIX) for n in reported}
    problems = []
    for span in spans:
        if "|" in span:  # a design-diagnosis key: term|estimator
            if span.rsplit("|", 1)[1] not in bare:
                problems.append(span)
        elif re.fullmatch(r"_[a-z0-9_]+", span):  # a suffix
            if not any(n.endswith(span) for n in reported):
                problems.append(span)
        elif SNAKE.fullmatch(span) and span.endswith("_"):  # a prefix
            if not any(n.startswith(span) for n in reported):
                problems.append(span)
        elif SNAKE.fullmatch(span) and span not in bare and span not in vocabulary:
            problems.append(span)
    return sorted(set(problems))


def test_every_estimator_the_plan_names_is_reported_by_the_analyses(plan, analyses, reported):
    spans = _spans(plan)
    assert _estimator_problems(spans, reported, _vocabulary(plan, analyses)) == []
    named = {s for s in spans if s in reported or s + SUFFIX in reported}
    assert len(named) >= 60, sorted(named)  # the check is not vacuous
    # and the checker does catch a misspelt name
    assert _estimator_problems(["risk_diference_ipw", "overall|fisher_exakt"], reported,
                               _vocabulary(plan, analyses)) == ["overall|fisher_exakt",
                                                                "risk_diference_ipw"]


def test_the_plan_covers_every_estimator_the_analyses_report(plan, analyses):
    spans = set(_spans(plan))
    missing = sorted({name for analysis in analyses for name in analysis.to_frame()["estimator"]
                      if name not in spans and name.removesuffix(SUFFIX) not in spans})
    assert missing == []


def _quoted_numbers(plan: str) -> list[tuple[str, str, str, float]]:
    """Rows (command, estimator key, diagnosand, value) of the plan's numbers tables."""
    rows, inside = [], False
    for line in plan.splitlines():
        if line.strip() == NUMBERS_HEADER:
            inside = True
            continue
        if not inside:
            continue
        if not line.startswith("|"):
            inside = False
            continue
        if set(line.replace("|", "").strip()) <= {"-"}:
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        command, key, diagnosand, value = cells
        rows.append((command.strip("`"), key.strip("`").replace("\\|", "|"), diagnosand,
                     float(value)))
    return rows


def _run(command: str) -> dict[str, Any]:
    """Run a quoted ``python -m`` command in this process with ``--json``; its output."""
    words = shlex.split(command)
    assert words[:2] == ["python", "-m"], command
    module = words[2]
    assert module in ("iedereen_doet_mee.diagnose", "iedereen_doet_mee.redesign"), command
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = importlib.import_module(module).main([*words[3:], "--json", "--no-progress"])
    assert status == 0, command
    return json.loads(out.getvalue())


def _value(command: str, result: dict[str, Any], key: str, diagnosand: str) -> float:
    if diagnosand == "probability the target is met":
        return result["probability_target_met"]["value"]
    if "iedereen_doet_mee.diagnose" in command:
        (found,) = [e for e in result["estimators"] if e["key"] == key]
        return found["diagnosands"][diagnosand.replace(" ", "_")]["value"]
    if diagnosand == "power at effect 0":
        (found,) = [r for r in result["power"]
                    if r["estimator_key"] == key and r["effect"] == 0]
        return found["value"]
    column = {"MDE": "mde", "closed-form MDE": "closed_form_mde"}[diagnosand]
    (found,) = [r for r in result["minimum_detectable_effect"] if r["estimator_key"] == key]
    assert found["status"] == "found", found
    return found[column]


def test_the_design_numbers_are_what_the_quoted_commands_print(plan, monkeypatch):
    rows = _quoted_numbers(plan)
    assert len(rows) >= 20
    monkeypatch.chdir(ROOT)
    outputs: dict[str, dict[str, Any]] = {}
    wrong = []
    for command, key, diagnosand, quoted in rows:
        if command not in outputs:
            outputs[command] = _run(command)
        actual = _value(command, outputs[command], key, diagnosand)
        # the plan rounds to 3 decimals
        if not abs(actual - quoted) <= 0.0005 + 1e-9:
            wrong.append(f"{command} | {key} | {diagnosand}: plan {quoted}, prints {actual}")
    assert wrong == []
