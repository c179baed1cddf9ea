"""Quotes and reported statements with the right speaker, on short sentences written for the tests (rules only)."""

from bilat.extract.pipeline import ArticleText, extract_claims, extract_entities


def _run(text):
    article = ArticleText.of(text, None)
    entities = extract_entities(article)
    return entities, extract_claims(article, entities)


def _said(claims):
    return {(q.kind, q.speaker_id, q.text) for q in claims.quotes}


def test_a_speaker_no_layer_knew_becomes_a_person_that_reaches_the_entities():
    entities, claims = _run(
        "Navies drilled near the strait on Monday. “The drills will go on for weeks,” said Tomas Verhaal, who has "
        "studied the strait for years. He added that the navy is ready for a long stand-off. Critics of Verhaal "
        "were not convinced.")
    assert ("direct", "person:tomas-verhaal", "The drills will go on for weeks,") in _said(claims)
    assert ("reported", "person:tomas-verhaal", "the navy is ready for a long stand-off") in _said(claims)
    assert entities.entities["person:tomas-verhaal"].kind == "person"
    assert [m.surface for m in entities.mentions if m.entity_id == "person:tomas-verhaal"] == ["Tomas Verhaal", "Verhaal"]
    # every speaker is an entity of the findings (core.quotes.speaker_id resolves to core.entities)
    assert all(q.speaker_id in entities.entities for q in claims.quotes if q.speaker_id)


def test_according_to_a_described_person_and_a_title_word_before_the_name():
    entities, claims = _run(
        "Villagers still avoid the forest for fear of attack, according to local resident Marta Ileni. "
        "Farmers have stopped planting near the road, according to a local resident. "
        "Lawyer Pavel Dunin, representing the families, told reporters that the attack was deliberate. "
        "The lawyer spoke in Paris.")
    assert ("reported", "person:marta-ileni", "Villagers still avoid the forest for fear of attack") in _said(claims)
    assert not [q for q in claims.quotes if q.text.startswith("Farmers")]  # a speaker described only is no one
    assert ("reported", "person:pavel-dunin", "the attack was deliberate") in _said(claims)  # 'Lawyer' is no name
    assert "person:lawyer-pavel-dunin" not in entities.entities


def test_a_body_that_speaks_is_no_person():
    entities, claims = _run("“The figures are alarming,” said Nordic Policy Institute. The report was released in May.")
    assert not [e for e in entities.entities if e.startswith("person:")]
    assert not [q for q in claims.quotes if (q.speaker_id or "").startswith("person:")]


def test_when_it_was_said_is_no_part_of_the_statement():
    _, claims = _run(
        "Foreign Minister Lena Brandt said Wednesday that the talks would resume in March. "
        "Prime Minister Omar Haddad said during a visit to Rome in early June that he would seek new tariffs. "
        "Chancellor Ida Wirth on Friday said talks with the bloc must continue.")
    said = _said(claims)
    assert ("reported", "person:lena-brandt", "the talks would resume in March") in said
    assert ("reported", "person:omar-haddad", "he would seek new tariffs") in said
    assert ("reported", "person:ida-wirth", "talks with the bloc must continue") in said


def test_a_statement_closed_by_its_attribution_and_one_after_a_quote():
    _, claims = _run(
        "The prime minister sees a chance to gain sway in future talks, said Professor Ken Ashdown, a lecturer at "
        "a university in Leeds. “The operation was conducted with care,” General Rafael Ortiz said, adding that no "
        "passengers were killed. They will apply the law “selectively” against small boats, he said.")
    said = _said(claims)
    assert ("reported", "person:ken-ashdown", "The prime minister sees a chance to gain sway in future talks") in said
    assert ("reported", "person:rafael-ortiz", "no passengers were killed") in said
    assert ("reported", "person:rafael-ortiz", "They will apply the law “selectively” against small boats") in said


def test_the_spokesperson_of_a_reported_statement_is_the_one_named_before():
    _, claims = _run(
        "Military spokesperson General Rafael Ortiz spoke in Quetta on Friday. The army has cleared the area. "
        "The military spokesperson said no passengers were killed during the operation.")
    assert ("reported", "person:rafael-ortiz", "no passengers were killed during the operation") in _said(claims)
