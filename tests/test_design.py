"""Trial design: defaults, validation at declaration, TOML round trip, general layouts."""

from __future__ import annotations

import datetime as dt

import pytest

from iedereen_doet_mee.design import TrialDesign, design_to_toml, read_design, write_design
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
