"""Figures: masses, percentages, money and deadlines, normalised, with sentence and entity."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.models import Figure
from monitor.stages.entities import default_matcher, find_matches
from monitor.stages.figures import extract_figures, parse_number


def figures(text: str) -> tuple[Figure, ...]:
    return extract_figures(text, find_matches(text, default_matcher()))


def brief(text: str) -> list[tuple[str, float, float | None, str, str]]:
    return [(f.kind, f.value, f.value_high, f.unit, f.stated) for f in figures(text)]


def test_mass_with_entity_and_sentence() -> None:
    text = "Intro line.\nRussia holds reserves totaling 28.7 million tonnes, the ministry said. Next."
    assert figures(text) == (Figure(
        kind="mass", value=28_700_000.0, unit="tonnes", stated="28.7 million tonnes",
        sentence="Russia holds reserves totaling 28.7 million tonnes, the ministry said.", entity="Russia"),)


def test_mass_variants() -> None:
    assert brief("estimated between 3.8M–28.5M tons") == [("mass", 3_800_000.0, 28_500_000.0, "tonnes", "3.8M–28.5M tons")]
    assert brief("658 million metric tons") == [("mass", 658_000_000.0, None, "tonnes", "658 million metric tons")]
    assert brief("about 2,500 tonnes a year") == [("mass", 2500.0, None, "tonnes", "2,500 tonnes")]
    assert brief("запасы 28,7 млн тонн") == [("mass", 28_700_000.0, None, "tonnes", "28,7 млн тонн")]
    assert brief("产量2.85万吨") == [("mass", 28_500.0, None, "tonnes", "2.85万吨")]


def test_percentages() -> None:
    assert brief("a 10-12% share by 2030") == [("percent", 10.0, 12.0, "%", "10-12%"),
                                               ("deadline", 2030.0, None, "year", "by 2030")]
    assert brief("only one percent of output") == [("percent", 1.0, None, "%", "one percent")]
    assert brief("1% of global output and 60 pct") == [("percent", 1.0, None, "%", "1%"),
                                                       ("percent", 60.0, None, "%", "60 pct")]


def test_money() -> None:
    assert brief("a $350 billion fund") == [("money", 350e9, None, "USD", "$350 billion")]
    assert brief("a goal of 700 million dlrs") == [("money", 700e6, None, "USD", "700 million dlrs")]
    assert brief("a 500 mln yen plant") == [("money", 500e6, None, "JPY", "500 mln yen")]


def test_deadlines() -> None:
    assert brief("a plan by December") == [("deadline", 12.0, None, "month", "by December")]
    assert brief("approve it by December 1, 2025") == [("deadline", 2025.0, None, "year", "by December 1, 2025")]
    assert brief("к 2030 году") == [("deadline", 2030.0, None, "year", "к 2030 год")]


def test_no_figures_in_plain_words() -> None:
    assert figures("The minister said the plan was ready.") == ()


def test_parse_number() -> None:
    assert [parse_number(s) for s in ("28.5", "1,736", "28,5", "one", "4,784,000")] == [
        28.5, 1736.0, 28.5, 1.0, 4_784_000.0]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 .,-–%$€tonsbmilyr by2030\nДо年万吨", max_size=120))
def test_never_crashes_and_values_are_finite(text: str) -> None:
    for figure in figures(text):
        assert figure.value == figure.value and abs(figure.value) < float("inf")
        assert figure.stated in text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_crashes_on_any_text(text: str) -> None:
    figures(text)
