"""Trial design: defaults, validation at declaration, TOML round trip, general layouts."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iedereen_doet_mee.design import (
    DEFAULT_OUTCOMES,
    EXIT_REASONS,
    OutcomeDefinition,
    TrialDesign,
    design_from_dict,
    design_to_dict,
    design_to_toml,
    read_design,
    write_design,
)
from iedereen_doet_mee.design.outcomes import OUTCOME_KEYS
from iedereen_doet_mee.design.toml_io import _toml_value
from iedereen_doet_mee.design.trial_design import DEFAULT_ACTIVITY_KINDS
from iedereen_doet_mee.errors import DesignError


def test_defaults_describe_iedereen_doet_mee():
    design = TrialDesign()
    assert design.strata == ("40-60", "60-80")
    assert design.arms == ("no", "yes")
    assert design.control_arm == "no"
    assert [c.planned_n for c in design.cells] == [25, 25, 25, 25]
    assert design.n_total == 100
    assert design.enrolment_months == 24
    assert design.enrolment_end == dt.date(2016, 7, 1)
    assert design.cutoff == dt.date(2016, 7, 1)
    assert design.target_outflow == 0.40
    assert design.durable_horizon_months == 6
    # the seed says "roughly divided": never assume randomisation by default
    assert design.allocation == "assigned"
    assert design.benefit_cost_per_month == pytest.approx(14_000 / 12, abs=0.005)
    assert "Berenschot" in design.benefit_cost_source


def test_design_is_immutable():
    design = TrialDesign()
    with pytest.raises(AttributeError):
        design.n_per_cell = 30  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"n_per_cell": 0}, "n_per_cell", "at least 1"),
        ({"n_per_cell": 2.5}, "n_per_cell", "integer"),
        ({"n_per_cell": {"40-60": {"no": 25, "yes": 25}}}, "n_per_cell", "missing cells"),
        ({"strata": ()}, "strata", "at least one"),
        ({"strata": ("40-60", "40-60")}, "strata", "distinct"),
        ({"strata": ("band a",)}, "strata", "not allowed"),
        ({"strata": ("80-60",)}, "strata", "low to high"),
        ({"arms": "yes"}, "arms", "list of labels"),
        ({"control_arm": "maybe"}, "control_arm", "must be one of"),
        ({"target_outflow": 1.4}, "target_outflow", "(0, 1)"),
        ({"target_outflow": 0}, "target_outflow", "(0, 1)"),
        ({"allocation": "random"}, "allocation", "'randomised' or 'assigned'"),
        ({"cutoff": "2014-01-01"}, "cutoff", "after enrolment_start"),
        ({"cutoff": "July 2016"}, "cutoff", "ISO"),
        ({"enrolment_months": -3}, "enrolment_months", "at least 1"),
        ({"durable_horizon_months": 0}, "durable_horizon_months", "at least 1"),
        ({"block_multiples": ()}, "block_multiples", "at least one"),
        ({"benefit_cost_per_month": -1}, "benefit_cost_per_month", "zero or more"),
        ({"likert_points": 1}, "likert_points", "at least 2"),
        ({"name": " "}, "name", "non-empty"),
    ],
)
def test_bad_declaration_fails_at_once_naming_the_field(changes, field, fragment):
    with pytest.raises(DesignError) as info:
        TrialDesign(**changes)
    assert info.value.field == field
    assert f"'{field}'" in str(info.value)
    assert fragment in str(info.value)


def test_unequal_cells_and_ratio():
    design = TrialDesign(n_per_cell={"40-60": {"no": 20, "yes": 30},
                                     "60-80": {"no": 25, "yes": 25}})
    assert design.planned_size("40-60", "yes") == 30
    assert design.arm_ratio("40-60") == (2, 3)
    assert design.arm_ratio("60-80") == (1, 1)
    assert design.n_total == 100


def test_single_arm_caseload_and_more_arms_and_strata():
    caseload = TrialDesign(name="Schiedam", strata=("all",), arms=("kompas",), n_per_cell=569)
    assert caseload.is_single_arm and caseload.control_arm is None and caseload.n_total == 569
    with pytest.raises(DesignError, match="single-arm"):
        TrialDesign(strata=("all",), arms=("kompas",), control_arm="kompas")
    three_by_three = TrialDesign(strata=("low", "mid", "high"), arms=("none", "coach", "coach+"),
                                 n_per_cell=10)
    assert len(three_by_three.cells) == 9 and three_by_three.control_arm == "none"
    assert three_by_three.wage_value_bounds("low") is None
    assert TrialDesign().wage_value_bounds("40-60") == (40.0, 60.0)


@pytest.mark.parametrize(
    "design",
    [
        TrialDesign(),
        TrialDesign(allocation="randomised", block_multiples=(1, 2, 3), instrument_kinds=()),
        TrialDesign(n_per_cell={"40-60": {"no": 20, "yes": 30}, "60-80": {"no": 25, "yes": 0}}),
        TrialDesign(name="Caseload \"Kompas\"", strata=("all",), arms=("kompas",),
                    n_per_cell=569, cutoff="2010-03-01", enrolment_start="2008-09-01",
                    enrolment_months=18),
    ],
)
def test_toml_round_trip(design, tmp_path):
    path = write_design(design, tmp_path / "design.toml")
    assert read_design(path) == design
    # writing the read design again gives the same bytes
    assert design_to_toml(read_design(path)) == path.read_text(encoding="utf-8")


def test_toml_errors_name_field_and_file(tmp_path):
    path = tmp_path / "design.toml"
    path.write_text('n_per_cell = 25\ntarget_outflow = 4\n', encoding="utf-8")
    with pytest.raises(DesignError) as info:
        read_design(path)
    assert info.value.field == "target_outflow" and str(path) in str(info.value)
    path.write_text('n_per_cel = 25\n', encoding="utf-8")
    with pytest.raises(DesignError, match="unknown field"):
        read_design(path)
    path.write_text('n_per_cell = \n', encoding="utf-8")
    with pytest.raises(DesignError, match="cannot read"):
        read_design(path)


def test_replace_validates_again():
    assert TrialDesign().replace(n_per_cell=30).n_total == 120
    with pytest.raises(DesignError):
        TrialDesign().replace(n_per_cell=-1)


def test_repr_is_one_line():
    text = repr(TrialDesign())
    assert "\n" not in text and "n=100" in text and "assigned" in text


def test_activity_kinds_default_to_the_seeds_and_are_written_only_when_changed(tmp_path):
    default = TrialDesign()
    assert default.activity_kinds == ("education", "volunteering", "day_activity",
                                      "neighbourhood_activity", "debt_counselling")
    assert "activity_kinds" not in design_to_toml(default)  # the default file as before
    for kinds in (("education", "job_fair"), ()):
        design = TrialDesign(activity_kinds=kinds)
        assert "activity_kinds" in design_to_toml(design)
        assert read_design(write_design(design, tmp_path / "d.toml")) == design
    with pytest.raises(DesignError, match="activity_kinds"):
        TrialDesign(activity_kinds=("day activity",))


# -- outcomes declared in the design, primary outcome, unit, no target -------------------

ISSUE_EXAMPLE = '''primary_outcome = "left_benefit"
unit = "person"

[outcomes.left_benefit]
kind = "exit"
reasons = ["regular_work", "subsidised_work", "education", "moved", "unlawful", "other"]
[outcomes.work_16h]
kind = "job"
min_hours_per_week = 16
subsidised = "any"
within_months = 6
[outcomes.step_forward]
kind = "ladder_step"
min_steps = 1
within_months = 6
[outcomes.education]
kind = "activity"
activity = "education"
'''


def test_default_design_declares_one_exit_to_regular_work_for_persons():
    design = TrialDesign()
    assert design.outcomes == DEFAULT_OUTCOMES
    assert design.primary_outcome == "regular_work" and design.unit == "person"
    assert design.primary == OutcomeDefinition("regular_work", "exit", reasons=("regular_work",))
    assert design.outcome("regular_work") is design.primary
    with pytest.raises(KeyError, match="regular_work"):
        design.outcome("left_benefit")


def test_the_default_design_file_is_byte_identical_to_the_bundled_one():
    bundled = (Path(__file__).resolve().parents[1] / "data" / "synthetic" / "design.toml")
    assert design_to_toml(TrialDesign()) == bundled.read_text(encoding="utf-8")
    for field in ("outcomes", "primary_outcome", "unit", "activity_kinds"):
        assert field not in design_to_dict(TrialDesign())


def test_the_issue_example_reads_with_every_kind_and_no_target(tmp_path):
    path = tmp_path / "design.toml"
    path.write_text('name = "Schiedam"\nstrata = ["all"]\narms = ["kompas"]\n'
                    'n_per_cell = 569\n' + ISSUE_EXAMPLE, encoding="utf-8")
    design = read_design(path)
    assert design.target_outflow is None  # absent: no target
    assert [o.name for o in design.outcomes] == ["left_benefit", "work_16h", "step_forward",
                                                 "education"]
    assert design.primary.reasons == EXIT_REASONS
    work = design.outcome("work_16h")
    assert (work.kind, work.min_hours_per_week, work.subsidised, work.within_months) == (
        "job", 16.0, "any", 6)
    assert design.outcome("step_forward").min_steps == 1
    assert design.outcome("education").activity == "education"
    assert read_design(write_design(design, tmp_path / "again.toml")) == design
    assert design_to_toml(read_design(tmp_path / "again.toml")) == \
        (tmp_path / "again.toml").read_text(encoding="utf-8")
    assert "target_outflow" not in (tmp_path / "again.toml").read_text(encoding="utf-8")


def test_existing_design_files_keep_their_target(tmp_path):
    path = write_design(TrialDesign(target_outflow=0.25), tmp_path / "design.toml")
    assert "target_outflow = 0.25" in path.read_text(encoding="utf-8")
    assert read_design(path).target_outflow == 0.25
    assert TrialDesign().target_outflow == 0.40  # the Python default is unchanged


@pytest.mark.parametrize("design", [
    TrialDesign(target_outflow=None),
    TrialDesign(target_outflow=None, strata=("all",), arms=("kompas",), n_per_cell=569,
                outcomes={"left": {"kind": "exit", "reasons": ["regular_work", "moved"]}},
                primary_outcome="left", unit="household"),
    TrialDesign(outcomes=(*DEFAULT_OUTCOMES, OutcomeDefinition(
        "coached", "activity", activity="coaching", within_months=12)), activity_kinds=()),
])
def test_designs_with_outcomes_or_without_target_round_trip(design, tmp_path):
    path = write_design(design, tmp_path / "design.toml")
    assert read_design(path) == design
    assert design_from_dict(design_to_dict(design)) == design
    assert design_to_toml(read_design(path)) == path.read_text(encoding="utf-8")


_OUTCOME_RULES = [
    ({"kind": "exam"}, "outcomes.o.kind", "must be one of"),
    ({"reasons": ["regular_work"]}, "outcomes.o.kind", "is required"),
    ({"kind": "exit"}, "outcomes.o.reasons", "is required"),
    ({"kind": "exit", "reasons": []}, "outcomes.o.reasons", "at least one"),
    ({"kind": "exit", "reasons": ["work"]}, "outcomes.o.reasons", "unknown exit reason"),
    ({"kind": "exit", "reasons": "regular_work"}, "outcomes.o.reasons", "list of exit"),
    ({"kind": "exit", "reasons": ["moved", "moved"]}, "outcomes.o.reasons", "distinct"),
    ({"kind": "exit", "reasons": ["moved"], "min_steps": 2}, "outcomes.o.min_steps",
     "does not belong to an outcome of kind 'exit'"),
    ({"kind": "job", "reasons": ["moved"]}, "outcomes.o.reasons", "does not belong"),
    ({"kind": "ladder_step", "subsidised": "yes"}, "outcomes.o.subsidised", "does not belong"),
    ({"kind": "activity", "activity": "education", "min_hours_per_week": 4},
     "outcomes.o.min_hours_per_week", "does not belong"),
    ({"kind": "job", "hours": 16}, "outcomes.o.hours", "unknown key"),
    ({"kind": "job", "min_hours_per_week": -1}, "outcomes.o.min_hours_per_week", "0 to 80"),
    ({"kind": "job", "min_hours_per_week": 80.5}, "outcomes.o.min_hours_per_week", "0 to 80"),
    ({"kind": "job", "min_hours_per_week": "16"}, "outcomes.o.min_hours_per_week", "0 to 80"),
    ({"kind": "job", "min_hours_per_week": float("nan")}, "outcomes.o.min_hours_per_week",
     "0 to 80"),
    ({"kind": "job", "subsidised": "maybe"}, "outcomes.o.subsidised", "'yes', 'no' or 'any'"),
    ({"kind": "ladder_step", "min_steps": 0}, "outcomes.o.min_steps", "at least 1"),
    ({"kind": "ladder_step", "min_steps": 6}, "outcomes.o.min_steps", "1 to 5"),
    ({"kind": "ladder_step", "min_steps": 1.5}, "outcomes.o.min_steps", "integer"),
    ({"kind": "activity"}, "outcomes.o.activity", "is required"),
    ({"kind": "activity", "activity": "day care"}, "outcomes.o.activity", "not allowed"),
    ({"kind": "activity", "activity": "job_fair"}, "outcomes.o.activity",
     "not among the design's activity_kinds"),
    ({"kind": "job", "within_months": 0}, "outcomes.o.within_months", "at least 1"),
    ({"kind": "exit", "reasons": ["moved"], "within_months": 2.5}, "outcomes.o.within_months",
     "integer"),
]


@pytest.mark.parametrize(("table", "field", "fragment"), _OUTCOME_RULES)
def test_bad_outcome_fails_at_declaration_naming_its_key(table, field, fragment, tmp_path):
    with pytest.raises(DesignError) as info:
        TrialDesign(outcomes={"regular_work": DEFAULT_OUTCOMES[0].to_mapping(), "o": table})
    assert info.value.field == field and f"'{field}'" in str(info.value)
    assert fragment in str(info.value)
    # the same from a file, naming the file
    path = tmp_path / "design.toml"
    write_design(TrialDesign(), path)
    lines = [f"{k} = {_toml_value(v)}" for k, v in table.items()
             if not (isinstance(v, float) and v != v)]
    if len(lines) != len(table):
        return  # TOML has nan, but the writer here does not
    path.write_text(path.read_text(encoding="utf-8") + "\n[outcomes.o]\n" + "\n".join(lines)
                    + "\n", encoding="utf-8")
    with pytest.raises(DesignError) as info:
        read_design(path)
    assert info.value.field == field and str(path) in str(info.value)


@pytest.mark.parametrize(("changes", "field", "fragment"), [
    ({"outcomes": ()}, "outcomes", "at least one"),
    ({"outcomes": "regular_work"}, "outcomes", "outcome definitions"),
    ({"outcomes": ({"kind": "exit"},)}, "outcomes", "OutcomeDefinition"),
    ({"outcomes": (*DEFAULT_OUTCOMES, *DEFAULT_OUTCOMES)}, "outcomes", "distinct"),
    ({"outcomes": {"work 16h": {"kind": "job"}}}, "outcomes", "not allowed"),
    ({"outcomes": {"a": DEFAULT_OUTCOMES[0]}}, "outcomes.a", "declared with the name"),
    ({"outcomes": {"a": ["exit"]}}, "outcomes.a", "table of keys"),
    ({"primary_outcome": "left_benefit"}, "primary_outcome", "declared outcome"),
    ({"unit": "family"}, "unit", "'person' or 'household'"),
    ({"target_outflow": 1.0}, "target_outflow", "or absent"),
    ({"target_outflow": True}, "target_outflow", "(0, 1)"),
])
def test_bad_outcome_fields_name_the_field(changes, field, fragment):
    with pytest.raises(DesignError) as info:
        TrialDesign(**changes)
    assert info.value.field == field and fragment in str(info.value)


def test_outcome_definitions_refuse_keys_of_another_kind_in_python_too():
    with pytest.raises(DesignError, match=r"outcomes\.x\.min_steps"):
        OutcomeDefinition("x", "exit", reasons=("moved",), min_steps=2)
    with pytest.raises(DesignError, match=r"outcomes\.x\.activity"):
        OutcomeDefinition("x", "job", activity="education")


@pytest.mark.parametrize(("outcome", "nl", "en"), [
    (DEFAULT_OUTCOMES[0], "uitstroom uit de uitkering naar regulier werk",
     "left benefit for regular work"),
    (OutcomeDefinition("o", "exit", reasons=EXIT_REASONS),
     "uitstroom uit de uitkering (regulier werk, gesubsidieerd werk, opleiding, verhuizing, "
     "onrechtmatigheid, overige redenen)",
     "left benefit (regular work, subsidised work, education, moved away, unlawful receipt, "
     "other reasons)"),
    (OutcomeDefinition("o", "job", min_hours_per_week=16, within_months=6),
     "betaald werk van minstens 16 uur per week binnen 6 maanden",
     "paid work of at least 16 hours a week within 6 months"),
    (OutcomeDefinition("o", "job", min_hours_per_week=12.5, subsidised="yes", within_months=1),
     "gesubsidieerd werk van minstens 12,5 uur per week binnen 1 maand",
     "subsidised work of at least 12.5 hours a week within 1 month"),
    (OutcomeDefinition("o", "job", subsidised="no"), "ongesubsidieerd betaald werk",
     "unsubsidised paid work"),
    (OutcomeDefinition("o", "ladder_step", within_months=6),
     "minstens 1 trede hoger op de participatieladder binnen 6 maanden",
     "at least 1 rung up the participation ladder within 6 months"),
    (OutcomeDefinition("o", "ladder_step", min_steps=2), "minstens 2 treden hoger op de "
     "participatieladder", "at least 2 rungs up the participation ladder"),
    (OutcomeDefinition("o", "activity", activity="education"), "gestart met een opleiding",
     "started education"),
    (OutcomeDefinition("o", "activity", activity="job_fair"), "gestart met activiteit "
     "'job_fair'", "started activity 'job_fair'"),
])
def test_each_outcome_describes_itself_in_one_line(outcome, nl, en):
    assert outcome.describe("nl") == nl and outcome.describe("en") == en


_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
_WINDOW = st.none() | st.integers(1, 60)
_OUTCOMES = st.one_of(
    st.builds(lambda r, w: {"kind": "exit", "reasons": r, "within_months": w},
              st.lists(st.sampled_from(EXIT_REASONS), min_size=1, unique=True), _WINDOW),
    st.builds(lambda h, s, w: {"kind": "job", "min_hours_per_week": h, "subsidised": s,
                               "within_months": w},
              st.floats(0, 80, allow_nan=False) | st.integers(0, 80),
              st.sampled_from(["yes", "no", "any"]), _WINDOW),
    st.builds(lambda k, w: {"kind": "ladder_step", "min_steps": k, "within_months": w},
              st.integers(1, 5), _WINDOW),
    st.builds(lambda a, w: {"kind": "activity", "activity": a, "within_months": w},
              st.sampled_from(DEFAULT_ACTIVITY_KINDS), _WINDOW),
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(outcomes=st.dictionaries(_NAMES, _OUTCOMES, min_size=1, max_size=5),
       target=st.none() | st.sampled_from([0.05, 0.4, 0.95]),
       unit=st.sampled_from(["person", "household"]), data=st.data())
def test_any_declared_outcome_set_round_trips_through_toml(outcomes, target, unit, data):
    tables = {name: {k: v for k, v in keys.items() if v is not None}
              for name, keys in outcomes.items()}
    primary = data.draw(st.sampled_from(sorted(tables)))
    design = TrialDesign(outcomes=tables, primary_outcome=primary, unit=unit,
                         target_outflow=target)
    assert [o.name for o in design.outcomes] == list(tables)  # declaration order kept
    text = design_to_toml(design)
    again = design_from_dict(tomllib.loads(text))
    assert again == design and design_to_toml(again) == text
    for outcome in design.outcomes:
        assert OutcomeDefinition.from_mapping(outcome.name, outcome.to_mapping()) == outcome
        assert list(outcome.to_mapping()) == [
            k for k in OUTCOME_KEYS[outcome.kind] if k in outcome.to_mapping()]
