"""One entry point per extraction layer, each a pure function of an article's text and publication date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bilat.extract.dates import DatedEvent, find_dated_events
from bilat.extract.entities import EntityFindings, find_entities, unify_people
from bilat.extract.gazetteer import Gazetteer, default_gazetteer
from bilat.extract.interactions import Interaction, find_interactions
from bilat.extract.ner import Recognizer, add_model_entities, recognize
from bilat.extract.quantities import Quantity, find_quantities
from bilat.extract.quotes import Quote, add_unknown_speakers, find_quotes, find_reported_statements
from bilat.extract.text import SentenceIndex, sentence_spans, tokenize


@dataclass
class ArticleText:
    """An article's text split once, shared by every extractor."""

    text: str
    published: date | None
    sentences: SentenceIndex

    @classmethod
    def of(cls, text: str, published: date | None) -> "ArticleText":
        return cls(text, published, SentenceIndex(sentence_spans(text)))


@dataclass
class Claims:
    quotes: list[Quote]
    quantities: list[Quantity]
    events: list[DatedEvent]


def extract_entities(article: ArticleText, gaz: Gazetteer | None = None, recognizer: Recognizer | None = None) -> EntityFindings:
    """Gazetteer and rule entities; with a recognizer (bilat.extract.ner), the model's entities merged in."""
    gaz = gaz or default_gazetteer()
    findings = find_entities(article.text, tokenize(article.text), article.sentences, gaz)
    if recognizer is not None:
        spans = recognize(recognizer, article.text, article.sentences, findings)
        findings = add_model_entities(findings, article.text, article.sentences, spans, gaz)
    findings = add_unknown_speakers(article.text, article.sentences, findings, gaz)  # who speaks is someone
    return unify_people(findings)


def extract_claims(article: ArticleText, entities: EntityFindings) -> Claims:
    reported = find_reported_statements(article.text, article.sentences, entities.mentions)
    quotes = find_quotes(article.text, article.sentences, entities.mentions, reported) + reported
    return Claims(
        quotes=sorted(quotes, key=lambda q: q.start),
        quantities=find_quantities(article.text, article.sentences),
        events=find_dated_events(article.text, article.sentences, article.published),
    )


def extract_interactions(article: ArticleText, entities: EntityFindings, events: list[DatedEvent],
                         quotes: list[Quote] = ()) -> list[Interaction]:
    """Interactions; with the article's quotes, also what a speaker says they do ("We reject …")."""
    return find_interactions(article.text, article.sentences.spans, entities, events, article.published, quotes)
