"""bilat eval: the scorer itself, and the command on the gold set."""

import subprocess
import sys
from pathlib import Path

from bilat.evaluate import Evaluation, evaluate_article, fold

REPO = Path(__file__).resolve().parents[1]

ARTICLE = {
    "published": "2023-09-14",
    "text": "AMMAN — Jordanian Foreign Minister Ayman Safadi met US Secretary of State Antony Blinken on Tuesday. "
            "“We will keep our commitments,” Blinken said. About 3,000 US troops are in Jordan.",
    "gold": {
        "entities": [
            {"name": "Amman", "kind": "place", "surfaces": ["AMMAN"]},  # the dateline city counts (GOLD_FORMAT.md)
            {"name": "Jordan", "kind": "country", "id": "JOR", "surfaces": ["Jordanian", "Jordan"]},
            {"name": "Ayman Safadi", "kind": "person", "surfaces": ["Ayman Safadi"]},
            {"name": "United States", "kind": "country", "id": "USA", "surfaces": ["US"]},
            {"name": "Antony Blinken", "kind": "person", "surfaces": ["Antony Blinken", "Blinken"]},
        ],
        "roles": [{"person": "Ayman Safadi", "title": "Foreign Minister", "country": "JOR"},
                  {"person": "Antony Blinken", "title": "Secretary of State", "country": "USA"}],
        "quotes": [{"speaker": "Antony Blinken", "starts": "We will keep our", "kind": "direct"}],
        "quantities": [{"value": 3000, "unit": "troops", "bound": "about"}],
        "dates": [{"text": "on Tuesday", "date": "2023-09-12", "precision": "day"}],
        "interactions": [{"source": "JOR", "target": "USA", "type": "CONSULT"}],
    },
}


def _scores(article: dict) -> dict[str, tuple[float, float]]:
    evaluation = Evaluation()
    evaluate_article(article, evaluation)
    return {kind: (round(s.precision, 3), round(s.recall, 3)) for kind, s in evaluation.scores.items()}


def test_a_correct_extraction_scores_one_everywhere():
    assert set(_scores(ARTICLE).values()) == {(1.0, 1.0)}


def test_wrong_gold_facts_lower_the_scores():
    wrong = {**ARTICLE, "gold": {**ARTICLE["gold"],
                                 "quotes": [{"speaker": "Ayman Safadi", "starts": "We will keep our", "kind": "direct"}],
                                 "quantities": [{"value": 3000, "unit": "troops", "bound": "more_than"}],
                                 "dates": [{"text": "on Tuesday", "date": "2023-09-13", "precision": "day"}]}}
    scores = _scores(wrong)
    assert scores["quote speaker"] == (0.0, 0.0)
    assert scores["quantities"] == (0.0, 0.0)
    assert scores["date value"] == (0.0, 0.0)
    assert scores["entities"] == (1.0, 1.0)


def test_a_date_said_again_is_the_annotated_item_not_a_wrong_one():
    # "on Tuesday" twice, annotated once (one item, as some annotators list a repeated date); a wrong date still counts
    again = {**ARTICLE, "text": ARTICLE["text"] + " Safadi spoke again on Tuesday. Earlier this month, they met in Amman."}
    assert _scores(again)["date value"] == (0.5, 1.0)  # "Earlier this month" is no annotated item
    listed = {**again, "gold": {**ARTICLE["gold"], "dates": ARTICLE["gold"]["dates"] + [
        {"text": "this month", "date": "2023-09-01", "precision": "month"}]}}  # "earlier" is a modifier, like "late"
    assert _scores(listed)["date value"] == (1.0, 1.0)
    twice = {**again, "gold": {**ARTICLE["gold"], "dates": ARTICLE["gold"]["dates"] * 2}}  # listed every time: both needed
    assert _scores(twice)["date value"] == (round(2 / 3, 3), 1.0)


def test_names_fold_across_transliterations():
    assert fold("Al-Abassi") == fold("al-Abbasi") == fold("Abbasi")
    # a quote opening that ends on an article still prefixes the quote
    assert fold("These talks will help carry the coalition's mission").startswith(fold("These talks will help carry the"))


def test_bilat_eval_prints_the_table_on_the_gold_set():
    gold = sorted((REPO / "tests" / "gold").glob("*.yaml"))
    assert len(gold) >= 20
    result = subprocess.run([str(Path(sys.executable).parent / "bilat"), "eval", "--gold", str(REPO / "tests" / "gold")],
                            capture_output=True, text=True, timeout=300, env={"COLUMNS": "120", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    for kind in ("entities", "person-office", "quote speaker", "quantities", "date value", "interactions"):
        assert kind in result.stdout
