"""Guards on joining a story by anchors alone: tight time window, conflict veto, founding anchors only."""

from __future__ import annotations

from monitor.config.load import DedupeConfig
from monitor.models import StoryMatch, StoryProfile
from monitor.stages.dedupe import conflict, score_story, story_decision
from monitor.stages.profile import MAX_ANCHORS

SHARED = ("country:china", "agency:ministry-of-commerce-of-china", "act:export-control", "element:holmium")


def profile(anchors: tuple[str, ...], day: str | None = "2025-10-10", terms: tuple[str, ...] = ("alpha",)) -> StoryProfile:
    return StoryProfile(terms=tuple((term, 1.0) for term in terms), anchors=anchors, date=day, last_date=day,
                        languages=("en",))


def story(anchors: tuple[str, ...], day: str | None = "2025-10-09", last: str | None = None) -> StoryMatch:
    base = profile(anchors, day, terms=("omega",))
    return StoryMatch(story_id=7, title="t", profile=StoryProfile(**{**base.__dict__, "last_date": last or day}))


def joins(article: StoryProfile, found: StoryMatch, settings: DedupeConfig | None = None) -> bool:
    return story_decision(article, (found,), {}, settings or DedupeConfig()).kind == "joins-story"


def test_shared_specific_anchors_within_the_window_join_without_words() -> None:
    assert joins(profile((*SHARED, "date:2025-10-09")), story((*SHARED, "date:2025-10-09")))


def test_different_stated_dates_years_or_goods_are_different_events() -> None:
    assert conflict(("date:2025-10-09", "country:china"), ("date:2025-04-04", "country:china")) == "date"
    assert conflict(("year:2025",), ("year:2024",)) == "year"
    assert conflict(("element:holmium",), ("mineral:gallium",)) == "element"
    assert conflict(("date:2025-10-09", "date:2025-04-04"), ("date:2025-04-04",)) == ""
    assert not joins(profile((*SHARED, "date:2025-10-09")), story((*SHARED, "date:2025-04-04")))
    vetoless = DedupeConfig(anchor_conflict_veto=False)
    assert joins(profile((*SHARED, "date:2025-10-09")), story((*SHARED, "date:2025-04-04")), vetoless)


def test_anchor_joins_stay_within_days_of_the_storys_first_report() -> None:
    late = profile(SHARED, day="2025-10-16")
    assert not joins(late, story(SHARED, day="2025-10-09", last="2025-10-15"))
    assert joins(late, story(SHARED, day="2025-10-09", last="2025-10-15"), DedupeConfig(anchor_window_days=15))
    same_date = profile((*SHARED, "date:2025-10-09"), day="2025-10-16")
    assert joins(same_date, story((*SHARED, "date:2025-10-09"), day="2025-10-09"))


def test_undated_reports_need_a_specific_shared_anchor() -> None:
    generic = ("country:china", "agency:ministry-of-commerce-of-china", "act:export-control", "bloc:eu", "act:ban")
    assert not joins(profile(generic, day=None), story(generic))
    assert joins(profile(SHARED, day=None), story(SHARED))


def test_only_the_founding_reports_anchors_count_without_words() -> None:
    founding = tuple(f"company:filler-{i}" for i in range(MAX_ANCHORS))
    drifted = story(founding + SHARED)
    assert score_story(profile(SHARED), drifted, {}).common_count == 0
    assert not joins(profile(SHARED), drifted)
