"""A chain of stages in the design: each rule checked at declaration, errors naming
``chain.stages`` or ``chain.practical_support`` (and the file), the ``[chain]`` table
written only when set and read back unchanged."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from iedereen_doet_mee.design import (
    TrialDesign,
    design_from_dict,
    design_to_dict,
    design_to_toml,
    read_design,
    write_design,
)
from iedereen_doet_mee.design.chain import support_kinds
from iedereen_doet_mee.errors import DesignError

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("intake", "talent_assessment", "work_experience", "job_matching")
SUPPORT = ("bus_card", "bicycle", "childcare", "work_clothes", "certificate_of_conduct")
MAASTRICHT = TrialDesign(name="Maastricht", strata=("all",), arms=("chain",), n_per_cell=200,
                         target_outflow=None, instrument_kinds=(*STAGES, *SUPPORT),
                         chain=STAGES, practical_support_kinds=SUPPORT)


def test_a_chain_is_declared_in_order_with_its_practical_support():
    assert MAASTRICHT.chain == STAGES
    assert MAASTRICHT.practical_support_kinds == SUPPORT
    assert support_kinds(MAASTRICHT) == SUPPORT
    # the same from the [chain] table as a mapping
    again = MAASTRICHT.replace(chain={"stages": list(STAGES),
                                      "practical_support": list(SUPPORT)},
                               practical_support_kinds=())
    assert again == MAASTRICHT
    # without declared support, rows of the kind practical_support are the support
    assert support_kinds(TrialDesign(chain=("job_coach", "training"))) == (
        "practical_support",)
    assert support_kinds(TrialDesign(instrument_kinds=(), chain=("a", "b"))) == (
        "practical_support",)
    assert support_kinds(MAASTRICHT.replace(practical_support_kinds=())) == ()
    assert TrialDesign().chain == () and TrialDesign().practical_support_kinds == ()


@pytest.mark.parametrize(("changes", "field", "fragment"), [
    ({"chain": ("intake",)}, "chain.stages", "at least 2 stages"),
    ({"chain": ("intake", "intake")}, "chain.stages", "distinct"),
    ({"chain": ("intake", "coaching")}, "chain.stages", "not among the design's"),
    ({"chain": ("intake", "job matching")}, "chain.stages", "not allowed"),
    ({"chain": "intake"}, "chain.stages", "list of instrument kinds"),
    ({"chain": {"stage": ["intake"]}}, "chain.stage", "unknown key"),
    ({"practical_support_kinds": ("bus_card", "bus_card")}, "chain.practical_support",
     "distinct"),
    ({"practical_support_kinds": ("taxi",)}, "chain.practical_support", "not among"),
    ({"practical_support_kinds": ("intake",)}, "chain.practical_support", "are stages"),
    ({"chain": (), "practical_support_kinds": ("bus_card",)}, "chain.practical_support",
     "declare its stages"),
    ({"chain": {"stages": list(STAGES), "practical_support": ["bus_card"]}},
     "chain.practical_support", "given twice"),
])
def test_each_rule_is_checked_at_declaration_naming_the_key(changes, field, fragment):
    with pytest.raises(DesignError, match=fragment) as info:
        MAASTRICHT.replace(**changes)
    assert info.value.field == field


def test_any_kind_is_a_stage_when_the_design_allows_any_kind():
    design = TrialDesign(instrument_kinds=(), chain=("anything", "else"))
    assert design.chain == ("anything", "else")


def test_the_chain_table_round_trips_and_is_written_only_when_set(tmp_path):
    text = design_to_toml(MAASTRICHT)
    assert "[chain]" in text and "practical_support_kinds" not in text
    table = tomllib.loads(text)["chain"]
    assert table == {"stages": list(STAGES), "practical_support": list(SUPPORT)}
    path = write_design(MAASTRICHT, tmp_path / "design.toml")
    assert read_design(path) == MAASTRICHT
    assert design_to_toml(read_design(path)) == path.read_text(encoding="utf-8")
    only_stages = MAASTRICHT.replace(practical_support_kinds=())
    assert tomllib.loads(design_to_toml(only_stages))["chain"] == {"stages": list(STAGES)}
    assert design_from_dict(design_to_dict(only_stages)) == only_stages
    # the default design and every design without a chain: no [chain] table, no key
    for design in (TrialDesign(), MAASTRICHT.replace(chain=(), practical_support_kinds=())):
        assert "chain" not in design_to_dict(design)
        assert "[chain]" not in design_to_toml(design)
    bundled = (ROOT / "data" / "synthetic" / "design.toml").read_text(encoding="utf-8")
    assert design_to_toml(TrialDesign()) == bundled


def test_errors_in_a_file_name_the_key_and_the_file(tmp_path):
    path = tmp_path / "design.toml"
    base = 'instrument_kinds = ["intake", "matching", "bus_card"]\n'
    cases = [
        ('[chain]\nstages = ["intake"]\n', "chain.stages"),
        ('[chain]\nstages = ["intake", "matching"]\nsupport = ["bus_card"]\n', "chain.support"),
        ('[chain]\nstages = ["intake", "mentoring"]\n', "chain.stages"),
        ('chain = "intake"\n', "chain"),
        ('practical_support_kinds = ["bus_card"]\n', "practical_support_kinds"),
    ]
    for body, field in cases:
        path.write_text(base + body, encoding="utf-8")
        with pytest.raises(DesignError) as info:
            read_design(path)
        assert info.value.field == field and str(path) in str(info.value), body
    path.write_text(base + '[chain]\nstages = ["intake", "matching"]\n'
                    'practical_support = ["bus_card"]\n', encoding="utf-8")
    design = read_design(path)
    assert design.chain == ("intake", "matching")
    assert design.practical_support_kinds == ("bus_card",)
