"""Classes of names the rules read (sentences written for these tests): features of the map, bodies read whole,
sources and platforms, parties, one id per person across titled forms, and what the reader's lone words are not."""

from bilat.extract.entities import EntityFindings, Mention
from bilat.extract.gazetteer import Entity, default_gazetteer
from bilat.extract.ner import ModelSpan, add_model_entities
from bilat.extract.pipeline import ArticleText, extract_entities


def _found(text: str) -> dict[str, str]:
    findings = extract_entities(ArticleText.of(text, None))
    return {m.surface: m.entity_id for m in findings.mentions}


def test_features_of_the_map_are_places_and_keep_the_country_in_their_name():
    found = _found("Patrol boats crossed the Taiwan Strait and sailed into the South China Sea near the Riau "
                   "Archipelago, then toward the Strait of Hormuz and the Indian Ocean.")
    assert found["Taiwan Strait"] == "place:taiwan-strait"
    assert found["South China Sea"] == "place:south-china-sea"
    assert found["Riau Archipelago"] == "place:riau-archipelago"
    assert found["Strait of Hormuz"] == "place:strait-of-hormuz"
    assert "Indian Ocean" in found and "Indian" not in found and "China" not in found and "Taiwan" not in found


def test_a_feature_word_inside_a_longer_name_is_no_feature():
    assert "Zab Valley" not in _found("Engineers visited the Zab Valley Waterworks on Monday.")


def test_bodies_are_read_whole():
    found = _found("The National Intelligence and Security Agency briefed the Court of Bosnia and Herzegovina. "
                   "A fellow at the Singapore Institute of International Affairs spoke to the Ministry of "
                   "Information and Culture.")
    assert "National Intelligence and Security Agency" in found
    assert "Court of Bosnia and Herzegovina" in found
    assert "Singapore Institute of International Affairs" in found  # a think tank's country is in its name
    assert "Ministry of Information and Culture" in found


def test_counts_laws_and_language_services_are_no_bodies():
    found = _found("Five Frontier Corps personnel died. The Coast Guard Law took effect. Sara Lind of the BBC's "
                   "Urdu Service contributed.")
    assert not any(s.startswith("Five") for s in found)
    assert "Coast Guard" not in found
    assert "Urdu Service" not in found and found["BBC"] == "org:bbc"


def test_sources_platforms_and_parties():
    found = _found("Republican senators told Reuters the plan failed. The minister wrote on X that Democrats "
                   "were wrong. X marks the spot.")
    assert found["Reuters"] == "org:reuters"
    assert found["Republican"] == "org:us-republican-party" and found["Democrats"] == "org:us-democratic-party"
    assert [s for s, e in found.items() if e == "org:x"] == ["X"]  # once: after "on", not as a letter


def test_a_body_alias_that_opens_a_longer_name_is_not_that_body():
    found = _found("Members of the National Congress Party met the Democratic Party of Iranian Kurdistan.")
    assert "org:us-congress" not in found.values() and "org:us-democratic-party" not in found.values()


def test_regions_and_their_adjectives():
    found = _found("Southeast Asian states and East African neighbors met in Europe.")
    assert found["Southeast Asian"] == "place:southeast-asia"
    assert found["East African"] == "place:east-africa"
    assert found["Europe"] == "place:europe"


def test_titled_forms_of_one_person_are_one_id_and_no_name_holds_an_office():
    text = ("Taiwan's new president, Lai Ching-te, took office. Later, President Lai said the island was ready. "
            "“We will not yield,” Lai said.")
    findings = extract_entities(ArticleText.of(text, None))
    ids = {m.entity_id for m in findings.mentions if "Lai" in m.surface}
    assert ids == {"person:lai-ching-te"}
    assert not any(e.name.startswith("President") for e in findings.entities.values())


def test_a_word_before_a_noun_after_a_title_is_no_name():
    found = _found("He served as the chief Brexit negotiator for two years.")
    assert "person:brexit" not in found.values()


def _merge(text: str, spans: list[ModelSpan], mentions: list[Mention] = (), entities: dict[str, Entity] = None):
    article = ArticleText.of(text, None)
    findings = EntityFindings(mentions=list(mentions), roles=[], entities=dict(entities or {}))
    merged = add_model_entities(findings, text, article.sentences, spans, default_gazetteer())
    return {m.surface: m.entity_id for m in merged.mentions if m.method == "model"}


def _span(text: str, surface: str, label: str) -> ModelSpan:
    start = text.index(surface)
    return ModelSpan(start, start + len(surface), label)


def test_the_readers_lone_words_that_name_nothing_are_dropped():
    text = "The Schengen zone helps. Baloch passengers left. Islam teaches peace. The ship Jairan docked."
    spans = [_span(text, "Schengen", "PERSON"), _span(text, "Baloch", "GPE"), _span(text, "Islam", "ORG"),
             _span(text, "Jairan", "GPE")]
    assert _merge(text, spans) == {}


def test_a_lone_person_word_after_a_preposition_or_that_speaks_is_kept():
    text = "Boats sailed to Borneo. Yang said prices rose."
    spans = [_span(text, "Borneo", "PERSON"), _span(text, "Yang", "PERSON")]
    assert set(_merge(text, spans)) == {"Borneo", "Yang"}


def test_one_word_of_a_body_named_before_is_that_body():
    text = "Talks with the International Monetary Fund went on. The Fund asked for more."
    imf = default_gazetteer().entities["org:imf"]
    start = text.index("International")
    mention = Mention("org:imf", "International Monetary Fund", start, start + 27, 0, "gazetteer")
    fund = ModelSpan(text.rindex("Fund"), text.rindex("Fund") + 4, "ORG")
    assert _merge(text, [fund], [mention], {"org:imf": imf}) == {"Fund": "org:imf"}


def test_two_names_joined_by_and_are_two():
    text = "Rebels attacked villages between the towns of Bocaranga and Bazoum."
    assert set(_merge(text, [_span(text, "Bocaranga and Bazoum", "ORG")])) == {"Bocaranga", "Bazoum"}


def test_a_province_the_reader_finds_resolves_to_its_country():
    text = "The train left Quetta in Balochistan province."
    found = _merge(text, [_span(text, "Balochistan province", "GPE")])
    assert found == {"Balochistan": "place:balochistan"}
    assert default_gazetteer().entities["place:balochistan"].country_code == "PAK"
