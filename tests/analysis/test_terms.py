"""One grammar of terms for disclosure control and the figures."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from iedereen_doet_mee.analysis.terms import term_groups, term_pairs

WORD = st.text(alphabet="abcdefghij_0123456789-.", min_size=1, max_size=8)


@given(st.dictionaries(WORD, WORD, min_size=1, max_size=3))
def test_a_cell_term_round_trips(pairs):
    term = ":".join(f"{k}={v}" for k, v in pairs.items())
    assert term_groups(term) == frozenset(pairs.items())
    assert term_pairs(term) == pairs
    assert list(term_pairs(term)) == list(pairs)  # in the term's order


def test_overall_short_form_and_terms_that_name_no_group():
    assert term_groups("overall") == frozenset() and term_pairs("overall") == {}
    assert term_pairs("arm:yes") == {"arm": "yes"}
    assert term_pairs("scale_score:40-60") == {"scale_score": "40-60"}
    for term in ("yes - no", "band=60-80 / band=40-60", "instrumentsyes", "pooled",
                 "band=a:band=b", "a=b=c", "=x", "growth_difference[band=60-80 - 40-60]"):
        assert term_groups(term) is None, term
        assert term_pairs(term) == {}, term


def test_disclosure_and_figures_read_the_same_grammar():
    from iedereen_doet_mee.reporting.disclosure import results as disclosure
    from iedereen_doet_mee.reporting.figures import estimates, over_time, style

    assert disclosure.term_groups is term_groups
    assert estimates.term_pairs is over_time.term_pairs is style.term_pairs is term_pairs
