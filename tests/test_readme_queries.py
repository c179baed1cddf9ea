"""Every SQL query in the README runs against the bundled warehouse and returns rows."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_queries() -> list[str]:
    return [block.strip() for block in re.findall(r"```sql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)]


def test_the_readme_has_at_least_five_analyst_queries():
    assert len(readme_queries()) >= 5


def test_every_readme_query_returns_rows(bundled_run):
    for query in readme_queries():
        rows = bundled_run.query(query)
        assert rows, f"no rows from README query:\n{query}"


def test_the_defense_minister_question_has_the_right_answer(bundled_run):
    query = next(q for q in readme_queries() if "defense minister in July 2021" in q)
    assert bundled_run.query(query)[0][0] == "Juma Inad"
