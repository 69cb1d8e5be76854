"""Relevance on the labelled set: precision and recall for 'policy', and the signals behind scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.config.load import RelevanceConfig
from monitor.models import Article
from monitor.stages.analyse import analyse
from monitor.stages.relevance import detect_language, lead_end
from monitor.stages.watchlist import Watchlist, build_watchlist

EVAL = Path(__file__).resolve().parents[1] / "data" / "relevance" / "eval.jsonl"


def article(title: str, text: str, language: str | None = None) -> Article:
    return Article(url="https://example.org/a", canonical_url="https://example.org/a", source="test",
                   fetched_at="2025-01-01T00:00:00Z", title=title, text=text, language=language)


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return build_watchlist(RelevanceConfig())


def load_set() -> list[dict[str, str]]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").split("\n") if line.strip()]


def test_eval_set_shape() -> None:
    rows = load_set()
    assert len(rows) >= 100
    assert {r["label"] for r in rows} == {"policy", "rare-earth-not-policy", "other-minerals", "unrelated"}
    assert {"en", "zh", "ru", "ja"} <= {r["language"] for r in rows}
    assert len({r["id"] for r in rows}) == len(rows)


def test_policy_precision_and_recall(watchlist: Watchlist) -> None:
    tp = fp = fn = 0
    for row in load_set():
        predicted = analyse(article(row["title"], row["text"]), watchlist).relevant
        gold = row["label"] == "policy"
        tp, fp, fn = tp + (gold and predicted), fp + (predicted and not gold), fn + (gold and not predicted)
    assert tp / (tp + fp) >= 0.9
    assert tp / (tp + fn) >= 0.9


def test_both_signals_are_needed(watchlist: Watchlist) -> None:
    ree_only = article("Neodymium prices climb", "NdPr oxide prices rose as magnet makers restocked rare earths.")
    policy_only = article("Zimbabwe bans lithium ore exports",
                          "The government banned exports of lithium ore under a new decree and export controls.")
    both = article("China tightens rare earth export controls",
                   "China's Ministry of Commerce added rare earths to its export control list, requiring licences.")
    scores = [analyse(a, watchlist).score for a in (ree_only, policy_only, both)]
    assert scores[0] < watchlist.threshold and scores[1] < 0.3 and scores[2] > 0.7


def test_passing_mention_in_other_minerals_story_scores_low(watchlist: Watchlist) -> None:
    text = ("Indonesia banned nickel ore exports and imposed export quotas on nickel pig iron.\n"
            "The nickel policy, officials said, mirrors China's approach to rare earths.\n"
            "Nickel smelters must obtain new licences; nickel prices rose.")
    assert analyse(article("Indonesia extends nickel export ban", text), watchlist).score < 0.5


def test_penalty_for_share_price_story(watchlist: Watchlist) -> None:
    text = ("Shares rose 12% after the rare earth miner said the government's export controls lifted prices. "
            "Analysts raised the price target; the stock trades near a 52-week high.")
    result = analyse(article("Rare earth stock soars", text), watchlist)
    plain = analyse(article("Rare earth stock soars", "The rare earth miner said the government's export controls "
                                                      "lifted prices."), watchlist)
    assert any(r.kind == "penalty" and r.term == "price target" for r in result.reasons)
    assert result.score < plain.score  # the calibration decides how much: see docs/relevance.md


def test_reasons_name_terms_and_zones(watchlist: Watchlist) -> None:
    result = analyse(article("Rare earth export ban", "Officials said the ban would start in May."), watchlist)
    kinds = {(r.term, r.kind, r.where) for r in result.reasons}
    assert {("rare earths", "ree", "title"), ("export ban", "policy", "title"), ("ban", "policy", "lead")} <= kinds


def test_user_exclusion_zeroes_the_score() -> None:
    watchlist = build_watchlist(RelevanceConfig(exclude=("sponsored content",)))
    result = analyse(article("China rare earth export controls", "Sponsored content. Export controls on rare earths."),
                     watchlist)
    assert (result.score, result.relevant, result.reasons[0].kind) == (0.0, False, "exclude")


def test_language_detection_and_declared_language() -> None:
    assert detect_language("", "中国对稀土实施出口管制，商务部发布公告。") == "zh"
    assert detect_language("", "Правительство утвердило дорожную карту.") == "ru"
    assert detect_language("", "政府はレアアースの備蓄を拡充する方針を固めた。") == "ja"
    assert detect_language("", "anything", "zh_Hant") == "zh-Hant"  # the script picks the vocabulary
    assert analyse(article("稀土", "中國對稀土實施出口管制。", "zh-Hant"), build_watchlist(RelevanceConfig())).relevant


def test_lead_is_first_two_paragraphs_within_bounds() -> None:
    text = "a" * 400 + "\n" + "b" * 400 + "\n" + "c" * 400
    assert lead_end(text) == 801
    assert lead_end("short\ntext\nmore") == len("short\ntext\nmore")
    assert lead_end("x" * 5000) == 1200


@pytest.mark.parametrize(("title", "text"), [
    ("China blocks rare earth exports to Japan", ""),  # a wire flash: title only
    ("China halts exports of rare earths amid dispute", "Beijing stopped shipments, customs data showed."),
    ("", "China setzt Exportkontrollen für Seltenerdmetalle aus. Das Handelsministerium in Peking kündigte das an."),
    ("", "China anuncia nuevos controles a la exportación de tierras raras y exige licencias de exportación."),
    ("", "La Cina impone restrizioni all'export di terre rare: servono licenze di esportazione."),
    ("", "중국 상무부는 희토류 수출 통제를 강화한다고 발표했다."),
    ("", "أعلنت وزارة التجارة الصينية فرضَ قيودٍ على تصديرِ العناصرِ الأرضيةِ النادرة."),
    ("", "وزارت بازرگانی چین محدودیت‌های صادراتی عناصر خاکی کمیاب را اعلام کرد."),
    ("", "भारत सरकार ने दुर्लभ पृथ्वी चुंबकों के लिए प्रोत्साहन योजना को मंजूरी दी।"),
    ("", "Çin, nadir toprak elementlerinin ihracatına yeni kısıtlamalar getirdi."),
    ("", "Trung Quốc siết chặt kiểm soát xuất khẩu đất hiếm."),
    ("", "Pemerintah Indonesia menerapkan larangan ekspor logam tanah jarang."),
    ("", "Україна та США підписали угоду про надра, зокрема рідкісноземельні метали."),
])
def test_policy_moves_in_many_languages_pass(watchlist: Watchlist, title: str, text: str) -> None:
    assert analyse(article(title, text), watchlist).relevant


def test_unknown_language_still_matches_english_and_elements(watchlist: Watchlist) -> None:
    text = "Kina export controls on rare earths: dysprosium and terbium licences."
    assert analyse(article("", text, "xx"), watchlist).relevant


def test_arabic_diacritics_and_tatweel_keep_offsets() -> None:
    from monitor.stages.entities import default_matcher, find_matches
    text = "قيود على العناصـرِ الأرضيةِ النادرة"
    found = [m for m in find_matches(text, default_matcher()) if m.entry.kind == "ree-term"]
    assert found and text[found[0].start:found[0].end] == "الأرضيةِ النادرة"  # the kasra inside is kept


def test_rare_earths_and_state_act_in_one_sentence_count_more(watchlist: Watchlist) -> None:
    together = article("Mining update", "Officials met on Monday. The ministry imposed export controls on rare earths. "
                       "Analysts were surprised.")
    apart = article("Mining update", "Officials met on Monday. The ministry imposed export controls. "
                    "Rare earths were discussed by analysts.")
    scored = [analyse(a, watchlist) for a in (together, apart)]
    assert [r.kind for r in scored[0].reasons].count("clause") == 1
    assert "clause" not in [r.kind for r in scored[1].reasons]
    assert scored[0].score > scored[1].score


def test_weak_policy_words_need_a_state_actor(watchlist: Watchlist) -> None:
    text = "The company expects its rare earth supply chain plan to attract investment."
    plain = analyse(article("Rare earth outlook", text), watchlist)
    with_state = analyse(article("Rare earth outlook", "The government said " + text), watchlist)
    assert not [r for r in plain.reasons if r.kind == "policy"]
    assert [r for r in with_state.reasons if r.kind == "policy"]
