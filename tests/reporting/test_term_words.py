"""Terms and estimators in words (issue 13 item 4): no code name in a table a reader
sees; the appendix maps each label back to its code name."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from iedereen_doet_mee.analysis import analyse_trial
from iedereen_doet_mee.reporting.document.content import code_names, estimator_words
from iedereen_doet_mee.reporting.document.term_words import term_words
from iedereen_doet_mee.reporting.records import analysis_records
from iedereen_doet_mee.simulation import simulate_trial

CODE = re.compile(r"\w_\w|=|\[|\]|:\w")


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    analysis = analyse_trial(simulate_trial(seed=20140701), n_draws=50, n_bootstrap=50)
    return analysis_records(analysis)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_term_and_estimator_in_the_tables_has_words(records, lang):
    pairs = code_names(records, lang, None)
    assert len(pairs) > 60
    for shown, code in pairs:
        assert not CODE.search(shown), (shown, code)
    # two codes may share words only where they mean the same ("arm:no" and
    # "instruments=no" are both the group without instruments)
    words = pd.DataFrame(pairs, columns=["shown", "code"])
    shared = words.groupby("shown")["code"].nunique()
    assert set(shared[shared > 1].index) <= {
        "zonder instrumenten", "met instrumenten", "without instruments", "with instruments",
        "met instrumenten tegenover zonder instrumenten",
        "met instrumenten min zonder instrumenten",
        "with instruments minus without instruments",
        "with instruments versus without instruments",
        "gemengd model (REML), t met Satterthwaite-vrijheidsgraden",
        "gemengd model (REML), normale benadering",
        "mixed model (REML), t with Satterthwaite degrees of freedom",
        "mixed model (REML), normal approximation"} | set(
        words.loc[words["code"].str.endswith("_non_experimental"), "shown"])


def test_term_words_reads_as_dutch():
    assert term_words("growth_per_month[band=60-80:instruments=yes]", "nl") == \
        "groei per maand (loonwaardeband 60-80%, met instrumenten)"
    assert term_words("instruments=yes - instruments=no", "nl") == \
        "met instrumenten min zonder instrumenten"
    assert term_words("unknown_item_7", "nl") == "unknown item 7"  # never code


def test_estimator_words_come_from_the_registry():
    assert estimator_words("proportion_clopper_pearson", "nl") == \
        "aandeel met exact betrouwbaarheidsinterval (Clopper-Pearson)"
    assert estimator_words("lmm_reml_satterthwaite_holm_non_experimental", "en").endswith(
        "(Holm)")
