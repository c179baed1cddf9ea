"""Rule-based extraction over article text: entities and roles, claims (quotes, quantities, dated events) and
PLOVER-coded interactions. Every record carries its article id, sentence index and character span.

The rules read their vocabularies from data files in bilat/data (gazetteers, titles, ontology cues), so users
extend coverage without code. A statistical NER model can be added through ``bilat.extract.ner``.
"""
