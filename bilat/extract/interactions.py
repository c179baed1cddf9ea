"""Dyadic interactions coded in PLOVER: who did what to whom, when, from cue phrases in bilat/data/plover.yaml.

Actors are states where the text names a state agent (a country, a government body, or a person through the
country of the office they hold) and the group itself for armed groups and international bodies.

A cue is read inside its clause. A verb's source is its subject: the nearest actor before it in the clause that
is not the object of a preposition or of an earlier verb ("Baghdad summoned Iran's ambassador and called …"); a
subject pronoun stands for the person (or state) named last, "the two governments" for the two states the article
is about. A noun's source is a modifier right before it ("Iran's attack", "US drone strikes") or the subject of the
light verb that carries it ("held talks", "signed an agreement"). The target is the first other actor after the
cue in its clause ("with" names the other side of a joint act, and a joint subject "Iraq and Iran signed" is one);
when the clause names none, a meeting, agreement, aid, support, protest, accusation, threat or rejection is taken
to be aimed at the article's other state. Negated cues ("did not meet"), participles ("a deal, signed in July"),
cues inside direct quotes and in names are dropped; conditional, requested and wanted acts ("would", "if",
"urged Ankara to withdraw") are marked hypothetical. A meeting between two sides is coded once per article, an
agreement once per sentence however many cues name it.

Some readings go past the plain subject-verb-object order: a passive with an agent ("was shot down by a US F-15")
turns round; a joint act of three or more listed states ("Jordan, Iraq, Syria and Turkey agreed") is coded for every
pair, and a listed object ("thanked Russia, Turkey, Syria and Iraq") for each; a verb joined by "and" to an earlier
one shares its subject ("the army said … and accused Washington"), as does one after a closed relative clause
("Turkey, which backs rebel groups, welcomed it"); condemning or welcoming an attack ("condemned the strikes",
"welcomed it") is aimed at the author of the attack the article leads with, or at whoever attacked the condemning
state; a demand or a charge reported of someone ("Kanaani said Baghdad must stop …", "Tillerson said Russia had
failed to honor …") is the sayer's act on that subject; "appeals from X and Y" are X's and Y's requests of the
sentence's subject.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from bilat.extract.dates import DatedEvent
from bilat.extract.entities import EntityFindings
from bilat.extract.gazetteer import default_gazetteer
from bilat.extract.quotes import Quote, quote_spans
from bilat.extract.text import token_key
from bilat.settings import data_file

SYMMETRIC = {"CONSULT", "AGREE", "COOPERATE"}

# Which mentions act. "Iran-backed militias": the country qualifies a group, it does not act ("US-led airstrikes": the
# leader does). "US companies", "American citizens": private people of a country, not its state.
_COMPOUND = re.compile(r"[-‐–](?:backed|aligned|allied|funded|sponsored|based|linked|affiliated|controlled|held|"
                       r"friendly|supported|trained|armed|made|brokered|designated|imposed|proposed)\b", re.I)
# "duties on Mexican- and Canadian-made vehicles", "a Turkish-owned ship": what is done to the goods is done to the state.
_GOODS = re.compile(r"[-‐–](?:made|owned)\b|[-‐–]\s+and\b")
_LED = re.compile(r"(.+?)[-‐–]led\b")
# "the Syrian Kurdish militia", "Pakistani Taliban fighters": the country names where a non-state group is from.
_GROUP_NOUN = re.compile(r"(?:\s+(?-i:[A-Z])[\w-]+){0,2}\s+(?:militias?|rebels?|insurgents?|militants?|separatists?|fighters|"
                         r"jihadists?|guerrillas?|gunmen|extremists|terrorists|opposition)\b", re.I)
# "the Gulf of Guinea", "the Sea of Japan", "Mexico City": a place whose name holds a state's, not the state.
_PLACE_OF = re.compile(r"\b(?:Gulf|Bay|Sea|Strait|Straits|Horn|Cape|Lake|Isle|Port|Canal|Coast)\s+of\s+(?:the\s+)?$")
_PLACE_AFTER = re.compile(r"\s+(?:City|Canal|Strait|Straits|Sea|Gulf|Basin|Valley|Desert)\b")
# "Pakistan's National Security Committee", "Somalia's National Intelligence and Security Agency": a body the text
# gives a state owns acts for that state, in every mention.
_OWNER = re.compile(r"['’]s\s+(?:own\s+|new\s+|top\s+|state[-\s]run\s+)?(?:the\s+)?(?:(?-i:[A-Z])[\w-]*\s+(?:(?:and|of|for)\s+)?){0,4}$")
# "Somalia's National Intelligence and Security Agency, or NISA," / "(NISA)": the short name is the same body.
_SHORT_NAME = re.compile(r",?\s+or\s+(?:the\s+)?|\s*\(\s*")
_PRIVATE = re.compile(r"\s+(?:oil\s+|energy\s+|private\s+)?(?:companies|company|firms?|businesses|businessmen|investors|citizens|"
                      r"nationals|civilians?|contractors?|tourists|students|journalists|pilgrims|refugees|families|"
                      r"voters|protesters|demonstrators)\b", re.I)

# Where a clause ends and another begins: the subject of a verb after one of these is not before it.
_CLAUSE = re.compile(
    r"[;:()]|\s[—–]\s|[“”\"]|,\s+(?:and|but|or)\b"
    r"|(?<!\w)(?:which|who|whom|whose|where|when|while|whereas|after|before|because|although|though|until|unless|since|"
    r"if|once|as|than|that|saying|adding|according|amid"
    r"|said|says|say|told|tells|added|adds|noted|stressed|argued|insisted|announced|confirmed|acknowledged|"
    r"disclosed|declared|reported|wrote|claimed|hoped|hopes|believed|described|warned)\b",
    re.I,
)

# The subject. A mention after a preposition (or, among several candidates, after a verb) is an object; a pronoun
# right before the verb ("he had received", "it was coordinating") stands for someone named earlier, a relative pronoun
# for the actor right before it; a gerund or a participle clause ("after meeting", ", renewing its demand") shares the
# subject of its main clause. "X was struck by Y": Y acts on X.
_PREPOSITIONS = frozenset(
    """in on at from to into onto with without for of by against over under beyond across near toward towards about
    between among through within throughout along around inside outside after before during despite like than per via
    including alongside behind amid""".split()
)
_PEOPLE_OF = frozenset("""diplomats officials ministers leaders representatives delegates delegation envoys negotiators
    spokesman spokeswoman spokesperson troops forces soldiers authorities""".split())
_FUNCTION_WORDS = frozenset("and or but that which who said says had has have was were is are will would".split())
_OBJECT_VERBS = frozenset("met meet meets told tell tells gave give gives sent send sends hit hits thank thanks urge urges "
                          "ask asks host hosts visit visits advise advises train trains assist assists help helps protect "
                          "protects join joins fought struck hit".split())
_SUBJECT_PRONOUN = re.compile(r"\b(he|she|they|it|we)\b(?:\s+(?:has|have|had|was|were|is|are|also|then|later|"
                              r"would|will|could|did|does|do|already|again|\w+ly|(?:continue[sd]?|keep|kept|began|begin|"
                              r"start(?:ed|s)?|decided|agreed|moved|sought|tried|pledged|promised|vowed)\s+to)){0,3}\s*$", re.I)
_RELATIVE = re.compile(r",?\s*(?:who|which)\s*$", re.I)
_GERUND_LEAD = re.compile(r"\b(?:after|before|while|when|since|by|upon|without)\s+$", re.I)
_PARTICIPLE_LEAD = re.compile(r"\s*(?:saying|adding)\b", re.I)
_PARTICIPLE_CLAUSE = re.compile(r",\s+(?!(?:including|according|during|following|concerning|regarding)\b)[a-z]+ing\b(?!.*,\s+[a-z]+ing\b)", re.I)
_PASSIVE = re.compile(r"\b(?:was|were|been|being|be|is|are|stand|stands|stood|remain|remains|remained)\s+"
                      r"(?:(?:\w+ly|also|all|later|then|not)\s+)?$", re.I)
# "The PKK, designated a terrorist group by Turkey, …": a participle in an appositive, whose "by" names who acts on
# the noun before it.
_APPOSITIVE_PASSIVE = re.compile(r",\s*(?:\w+ly\s+)?$")
_APPOSITIVE_CLOSED = re.compile(r",\s+(?:a|an|the|its|his|her|their)\s+[^,;:()“”\"]{0,80},\s*")
_AGENT = re.compile(r"\S*\s+by\b", re.I)

# Nominal cues: who acts is a modifier right before the noun ("Iran's ballistic missile attack", "US drone strike"),
# the subject of the light verb that carries it ("held talks", "signed an agreement", "launched its offensive"), a
# possessive ("his visit") or an "of" after it ("the withdrawal of Turkish troops"); a noun that is the topic of
# another ("an agreement on water cooperation") is no act of its own, nor is a definite one without an agent ("the
# pipeline agreement with Baghdad remained in force").
_LIGHT_VERB = re.compile(
    r"\b(?:held|holds|hold|holding|signed|signs|sign|launched|launches|launch|carried out|conducted|conducts|made|makes|"
    r"make|provided|provides|provide|providing|offered|offers|gave|gives|give|pledged|pledges|opened|opens|concluded|"
    r"reached|reaches|struck|strike|mounted|waged|began|begun|resumed|continued|stepped up|completed|ordered|"
    r"approved|announced|renewed|deepen(?:ed)?|expand(?:ed)?|sent|sends|send|delivered|extended|hosted|staged|joined|"
    r"oversaw|oversee|attended|attend|led|lead|leads|open|conclude[ds]?|start(?:ed|s)?|offer|pledge|issued|expressed|"
    r"conveyed|convey|issues|imposed|imposes|imposing|impose|keeping|kept|keeps|doubl(?:ed|es|ing)|rais(?:ed|es|ing)|"
    r"hik(?:ed|es|ing)|increas(?:ed|es|ing)|announcing|adding|added|slapp(?:ed|ing)|levied|levying|ramped up|escalated)\b"
    r"(?:\s+(?:a|an|the|its|their|his|her|new|first|further|more|two|three|several|\$?[\w.,]+%?(?:-\w+)?(?:['’]s)?)){0,6}\s*$",
    re.I,
)
_NOT_MODIFIERS = _PREPOSITIONS | {"and", "or", "but", "that", "which", "who", "is", "was", "were", "are", "has", "had",
                                   "have", "been", "be", "will", "would", "to", "not", "said", "says", "the", "a", "an",
                                   "this", "that", "these", "those", "its", "their", "his", "her"}
_NOUN_MODIFIERS = re.compile(r"(?:['’]s)?(?:\s+(?!(?:" + "|".join(sorted(_NOT_MODIFIERS)) + r")\b)(?![\w-]+ed\b)[\w-]+){0,3}\s*$", re.I)
_POSSESSIVE = re.compile(r"\b(his|her|its|their)\s+(?:[“\"]?[\w-]+\s+){0,3}$", re.I)
_OF = re.compile(r"\s+of\s+(?:the\s+)?", re.I)
_TOPIC = re.compile(r"\b(?:on|about|over|regarding|concerning)\s+(?!(?:his|her|its|their|a|an|the)\b)(?:[\w-]+\s+){0,2}$", re.I)
_DEFINITE = re.compile(r"\bthe\s+(?:[\w-]+\s+){0,3}$", re.I)

# The other side: "with" after a joint act, the partner in a joint subject ("Iraq and Iran signed", "he and Iraqi Prime
# Minister …"), "between A and B", "the two governments" (the two states the article is about), each state of a listed
# subject ("Egypt, Iraq, Jordan and Lebanon signed … with the United States"). What a coalition is against is not what
# it acts on; an accusation of a named group ("accused the groups of") is not one against the other state. Acts whose
# object the clause leaves unsaid ("Turkey rejected the accusation") are taken to be aimed at the article's other state.
_WITH = re.compile(r"\s+(?:with|to)\b", re.I)
_WITH_ACTOR = re.compile(r"(?:\s+[\w-]+){0,4}?\s+with\s+(?:the\s+)?(?=[A-Z])")
_BETWEEN = re.compile(r"\s+between\s+[^,;.]{0,80}?\band\b[^,;.]{0,60}", re.I)
_BETWEEN_PAIR = re.compile(r"\s+between\s+(?:the two|both)\b", re.I)
_PAIR = re.compile(r"\b(?:the two|both)\s+(?:governments|sides|countries|neighbou?rs|leaders|delegations|ministers|"
                   r"militaries|allies|presidents|states|nations)\b", re.I)
_JOINED = re.compile(r"(?:['’]s)?(?:\s+[\w.-]+){0,4}?\s+and\s+(?:[\w.-]+\s+){0,5}", re.I)
_PRONOUN_AND = re.compile(r"\b(?:he|she)\s+and\s+(?:[\w.-]+\s+){0,6}$", re.I)
_LISTED = re.compile(r"[-‐–]?(?:,\s+|,?\s+and\s+)(?:the\s+)?", re.I)
_NAMED_CAMPAIGN = re.compile(r"\b(?:coalition|campaign|war|fight|struggle|mission|operations?)\s+against\s+(?:the\s+)?$", re.I)
_NAMED_OBJECT = re.compile(r"\s+(?:the|a|an|some|several|two|three|other)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:of|for)\b", re.I)
# What is condemned, welcomed or protested may be an attack reported before ("condemned the strikes", "welcomed it"):
# the act is aimed at whoever carried out the attack. An object pronoun ("called on it to") stands for the actor last
# named as the object of a verb. "demanded that the United States hand over": the object follows "that".
_ATTACK_OBJECT = re.compile(r"\s+(?:(?:the|this|that|these|those|its|their)\s+)?(?:[\w-]+\s+){0,2}?(?:(?:air\s?)?strikes?|"
                            r"attacks?|raids?|bombardment|bombings?|killings?|shelling|offensive|incursion|assault)\b"
                            r"|\s+it\b(?!\s+(?:was|is|had|has|would|will))", re.I)
# "rejected its offer", "dismissed his claims": an answer to what another side said or did.
_POSSESSED_OBJECT = re.compile(r"\s+(its|their|his|her)\s+(?!own\b)", re.I)
_ANSWERED = {"REJECT", "ACCUSE", "PROTEST"}
_IT_OBJECT = re.compile(r"\s+(?:it|them)\b", re.I)
_THAT_OBJECT = re.compile(r"\s+that\s+", re.I)
_AND_VERB = re.compile(r"\band\s+(?:also\s+|then\s+|later\s+)?$", re.I)
_AFTER_RELATIVE = re.compile(r",\s*(?:also\s+|then\s+|later\s+|\w+ly\s+)?$", re.I)
_LIFTED = re.compile(r"\b(?:lift(?:s|ed|ing)?|eas(?:e|es|ed|ing)|drop(?:s|ped|ping)?|remov(?:e|es|ed|ing)|"
                     r"waiv(?:e|es|ed|ing)|end(?:s|ed|ing)?)(?:\s+of)?(?:\s+[\w-]+){0,3}\s*$", re.I)
_BY = re.compile(r"\s+by\s+(?:the\s+)?", re.I)
_APPOSITIVE = re.compile(r",\s*(?:the\s+)?")
_POSSESSOR = re.compile(r"['’]s\b")
# What is rejected or condemned is an event or a report, not the other state ("condemned the killings", "dismissed
# as false a report"); in "a cleric whom Ankara blames" the object is the cleric.
_NOT_AIMED = re.compile(r"\s+(?:as\s+\w+\s+)?(?:a|an|the|these|those|this)\s+(?:[\w-]+\s+){0,2}?(?:reports?|killings?|bombings?|"
                        r"violence|clashes|deaths?|explosions?|blasts?|massacres?|executions?|incidents?)\b", re.I)
_WHOM = re.compile(r"\bwhom\s*$", re.I)
_NEAR = re.compile(r"\b(?:near|outside|close to|off)\s+(?:the\s+)?$", re.I)
_VERB_BEFORE = re.compile(r"\b(?:[a-z]+ed|[a-z]+s)\s+(?:the\s+)?$")
# "The group opposes Chinese investment": what the subject opposes it does not receive.
_OPPOSED = re.compile(r"\b(?:oppos|reject|den(?:y|ies|ied)|condemn|criticiz|protest|resist|fear)\w*\b", re.I)
_RECEIVED = {"AID", "SUPPORT", "COOPERATE", "REQUEST", "AGREE", "CONSULT", "CONCEDE"}
# Nouns whose "of" names who acts ("the withdrawal of Turkish troops", "a visit of"); for the others it names who is
# acted on ("the expulsion of the U.S. military", "in support of Palestinians").
_AGENT_OF = {"RETREAT", "CONSULT", "MOBILIZE", "COOPERATE", "AGREE", "AID"}
_IMPLICIT_OBJECT = {"CONSULT", "AGREE", "COOPERATE", "SUPPORT", "AID", "REJECT", "PROTEST", "ACCUSE", "THREATEN"}
# An armed group's attack, threat, demand or charge whose object the clause leaves unsaid is aimed at the state the
# article is about ("the BLA claimed responsibility for the attack", "the group demanded the release of prisoners").
_GROUP_IMPLICIT = {"ASSAULT", "THREATEN", "REQUEST", "ACCUSE", "REJECT"}

# Light coreference. A group noun ("the militants", "the separatist group", "killed 33 terrorists") stands for the
# armed group named last (before any is named: the one the article names most); in an article about an armed group,
# unnamed state forces ("the military", "security forces") are those of the state the article names most. A noun
# right after a name ("BLA insurgents", "anti-Pakistan fighters") belongs to that name.
_GROUP_REFERENCE = re.compile(
    r"(?<![\w-])(?:(?:the|these|those|all|\d[\d,]*|(?:at least|more than|some|about|nearly|dozens of|several|six|"
    r"seven|eight|nine|ten|two|three|four|five)(?:\s+\d[\d,]*)?)\s+)?(?:(?:[\w-]+\s+)?(?:suspected|alleged)\s+)?"
    r"(?:(?:separatist|militant|armed|extremist|insurgent|rebel|terrorist|jihadist|banned|Islamist)\s+){0,2}"
    r"(?P<noun>militants|rebels|insurgents|attackers|separatists|terrorists|jihadists|gunmen|group)\b"
    r"(?!\s+(?:of|groups?)\b|[-‐–])", re.I)
_FORCES_REFERENCE = re.compile(
    r"(?<![\w-])(?:(?:the|its)\s+(?:military|army|armed forces|security forces)|security forces|government (?:forces|troops|soldiers))\b"
    r"(?!['’]s\s|\s+of\b)", re.I)

# Further readings. "PKK fighters, who": the relative pronoun's antecedent; "agreed on Thursday to pause its offensive
# in Syria": what is agreed to is no party to it; "pressed for faster delivery": asked of the other state; "appeals
# from X", "at the request of X": X asks; "Saudi Crown Prince Mohammed bin Salman": one actor named twice in a list;
# "Kanaani said Baghdad must …": the sayer; "as Baghdad moved … and its neighbours warned": another subject.
_ANTECEDENT_GAP = re.compile(r"(?:\s+[a-z][\w-]*)?\s*,?\s*(?:who|which)?\s*")
_AGREED_TO = re.compile(r"(?:\s+(?:on|in|at|late|early|last|this)\b(?:\s+[\w.,-]+){0,2}?,?)?"
                        r"\s+to\s+(?!the\b|a\b|an\b|its\b|their\b|[A-Z])[a-z]+\b")
_FOR_OBJECT = re.compile(r"\w\s+for\b", re.I)
_ASKED_BY = re.compile(r"\s+(?:of|from|by)\s+(?:the\s+)?", re.I)
_TITLE_GAP = re.compile(r"(?:['’]s)?(?:\s+(?-i:[A-Z])[\w.-]*){0,4},?\s+")
_SAID = re.compile(r"\b(?:said|says|say|told\s+(?:[\w-]+\s+){0,3}?(?:that\s+)?|added|insisted|stressed|argued|warned)"
                   r"\s+(?:that\s+)?(?=\S)", re.I)
_SAID_BEFORE = re.compile(r"\b(?:said|says|say|added|claimed|claim|claims)\s+(?:that\s+)?$", re.I)
# The speaker in their own quote: "We reject …", "[We] urge …", "I call on …".
_FIRST_PERSON = re.compile(r"(?<![\w'’])\[?(?:(?i:we)|I)\]?(?=\s+(?:[a-z]+ly\s+|also\s+|again\s+|once again\s+)?[a-z])")
_NEW_SUBJECT = re.compile(r"\band\s+(?:its|their|his|her|the|other)\s+(?:[a-z][\w-]*\s+){0,1}[a-z][\w-]*s\s+(?:\w+ly\s+)?$")

# Not an act: a participle modifying a noun ("a deal, signed in July", "the agreement signed in 2021"), a second
# mention of an agreement already coded ("signed the document"), a negation, a direct quote. Marked hypothetical: a
# conditional ("would", "if"; but "would" in reported speech is a reported "will"), and what is asked for, wanted
# or offered ("urged Ankara to", "demanding that", "ready to", "pressed Washington for").
_PREPOSITION_NEXT = re.compile(r"\s+(?:in|on|at|by|last|earlier|during|under|with|since)\b", re.I)
_REDUCED_RELATIVE = re.compile(r"(?:,(?=\s*$)|\b(?:agreement|deal|accord|memorandum|pact|document|treaty|statement|troops|forces|"
                               r"soldiers|contingent|force|personnel|advisers|aircraft|missiles|drones|rockets))\s*$", re.I)
# "troops deployed in Syria" is a participle; "Iraqi troops joined Turkish forces" is an act.
_FORCE_NOUNS = {"troops", "forces", "soldiers", "contingent", "force", "personnel", "advisers", "aircraft"}
_ANAPHORIC_OBJECT = re.compile(r"\s+(?:(?:the|this|that)\s+(?:document|deal|agreement|accord|memorandum|pact|text)|it)\b", re.I)
_NEGATION = re.compile(r"\b(?:not|n't|never|no|refused to|declined to|without)\b(?:\s+\w+){0,2}\s*$", re.I)
_NEGATED_AFTER = re.compile(r"\s+(?:\w+\s+){0,2}?(?:was|is|were|are|has|have|had)\s+(?:not|never)\b", re.I)
_HYPOTHETICAL = re.compile(r"\b(would|could|might|(?-i:may)|must|should|if|whether|plans? to|proposed|expected to|"
                           r"supposed to|(?:is|are|was|were) (?:due|set|scheduled) to|aim(?:s|ed)? to)\b"
                           r"(?:\s+[\w'’-]+){0,3}\s*$|\b(?:if|unless)\s+(?-i:[A-Z])(?:[\w'’.-]*\s+){1,6}$", re.I)
_REPORTED = re.compile(r"\b(?:said|says|added|announced|stated|confirmed|told\s+[\w\s]{1,30}?)\s+(?:that\s+)?(?:[\w.’'-]+\s+){1,6}$", re.I)
_CONDITION = re.compile(r"\b(?:if|unless|provided that|as long as)\b", re.I)
_WANTED = re.compile(
    r"\b(?:demand(?:ed|ing|s)?|call(?:ed|ing|s)? (?:for|on)|urg(?:ed|ing|es)|ask(?:ed|ing|s)?|press(?:ed|ing|es)|"
    r"s(?:ought|eeks?|eeking)|wants?|wanted|wanting|ready|willing|prepared|propos(?:ed|al|es|ing)|hope[sd]?|hoping|"
    r"offer(?:ed|s|ing)? to|offers? (?:of|for)|invitation|would like|insist(?:ed|s|ing)?|hours to|deadline|request(?:ed|s)?|appeal(?:ed|s)?|"
    r"told (?:[\w-]+ ){1,3}to)\b"
    r"(?:(?!,\s+(?:and|but)\b|[;:.]|\b(?:after|before|while|when|because)\b).){0,50}$",
    re.I,
)

_OTHER_PHRASE = re.compile(r"\s(?:and|or)\s+(?:its|their|his|her)\s", re.I)
_PHRASE_QUOTE = re.compile(r"\b(?:their|its|his|her|a|an|the)\s+$", re.I)
# What someone is accused of, or denies, is alleged, not done: "accusing it of providing support to militants", "stand
# accused of the 2004 bombing", "denied that its forces had shelled the town", "claims that the army attacked".
_ALLEGED = re.compile(
    r"\b(?:accus\w*|charg(?:ed|es|ing)|alleg\w*|suspected|blam(?:ed|es|ing))\s+(?:(?!of\b)[\w'’-]+\s+){0,4}of\s+(?:[\w'’-]+\s+){0,3}$"
    r"|\b(?:den(?:y|ies|ied|ying)|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|alleg(?:e|es|ed|ing)|claim(?:s|ed|ing)?|"
    r"allegations?|accusations?|charges?|claims?|reports?|rumou?rs?)\s+(?:[\w'’-]+\s+){0,3}?that\s+[^,.;:]{0,80}$",
    re.I,
)


@dataclass(frozen=True)
class Cue:
    category: str
    mode: str | None
    intensity: float
    cameo: str
    pattern: re.Pattern
    noun: bool = False  # a nominal cue ("talks", "attack") rather than a verb ("met", "struck")
    reported: bool = False  # said of its subject by someone else ("Kanaani said Baghdad must stop …"): the sayer acts


@dataclass(frozen=True)
class Interaction:
    source_id: str
    target_id: str
    source_actor: str  # the entity named in the text (a person, an organisation or the country itself)
    target_actor: str
    category: str
    mode: str | None
    intensity: float
    cameo: str
    occurred_on: date | None
    date_precision: str | None
    date_basis: str  # text (a date in the sentence) | publication
    hypothetical: bool
    cue: str
    start: int
    end: int
    sentence_index: int


@dataclass(frozen=True)
class _Actor:
    start: int
    end: int
    actor: str
    entity_id: str
    place: bool  # a place other than a capital: where something happens, never who acts
    goods: bool = False  # "Canadian-made vehicles": the state is acted on through its goods, it does not act


@lru_cache(maxsize=4)
def load_cues(path: Path | None = None) -> tuple[Cue, ...]:
    spec = yaml.safe_load(Path(path or data_file("plover.yaml")).read_text(encoding="utf-8"))
    cues = []
    for category, body in spec.items():
        for cue in body["cues"]:
            pattern = re.compile(rf"\b(?:{cue['pattern']})\b", re.I)
            cues.append(Cue(category, cue.get("mode"), float(cue.get("intensity", body["intensity"])), str(body["cameo"]),
                            pattern, cue.get("form") == "noun", cue.get("form") == "reported"))
    return tuple(cues)


@lru_cache(maxsize=4)
def _trigger(cues: tuple[Cue, ...]) -> re.Pattern:
    """One pass over a text finds every offset where some cue starts (each cue is then tried there alone)."""
    return re.compile(r"(?<!\w)(?=" + "|".join(f"(?:{c.pattern.pattern})" for c in cues) + ")", re.I)


def _cue_matches(text: str) -> list[tuple[int, Cue, re.Match]]:
    """(cue number, cue, match) for every cue phrase in the text, in cue order and then text order."""
    cues = load_cues()
    found = []
    for start in _trigger(cues).finditer(text):
        at = start.start()
        for number, cue in enumerate(cues):
            match = cue.pattern.match(text, at)
            if match:
                found.append((number, cue, match))
    found.sort(key=lambda f: (f[0], f[2].start()))
    return found


# Territories whose foreign relations a state conducts (ISO 3166 gives them codes of their own): their authorities are
# agents of that state ("Hong Kong authorities rejected …" is China's act).
_GOVERNED_BY = {"HKG": "CHN", "MAC": "CHN"}


def actor_of(entity_id: str, findings: EntityFindings, role_country: dict[str, str]) -> tuple[str | None, bool]:
    """(actor id, is a place) for a mentioned entity."""
    actor, place = _actor_of(entity_id, findings, role_country)
    return _GOVERNED_BY.get(actor, actor), place


def _actor_of(entity_id: str, findings: EntityFindings, role_country: dict[str, str]) -> tuple[str | None, bool]:
    entity = findings.entities[entity_id]
    if entity.kind == "country":
        return entity.entity_id, False
    if entity.kind == "person":
        return role_country.get(entity_id) or entity.country_code, False
    if entity.kind == "armed_group":
        return entity.entity_id, False
    if entity.kind == "organization":
        return entity.country_code or entity.entity_id, False
    if entity.kind == "place":
        return entity.country_code, not entity.capital
    return None, False


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _after_preposition(text: str, start: int, floor: int, verbs: bool = False) -> bool:
    """Is the mention at ``start`` the object of a preposition ("from Tehran", "for outgoing premier Nouri
    al-Maliki", "with Iraqi Prime Minister …")? Up to three words may stand between the two; an "of" inside a
    title ("Secretary of State Antony Blinken") is no preposition. With ``verbs``, the object of a verb too
    ("summoned Iran's ambassador")."""
    before = text[max(floor, start - 60) : start]
    # "In Washington, National Security Adviser Jake Sullivan …": a preposition before a comma governs another phrase.
    words = re.findall(r"[\w'’.-]+", before[before.rfind(", ") + 1 :])[-5:]
    for i in range(len(words) - 1, -1, -1):
        word = words[i].lower()
        if word == "of" and 0 < i < len(words) - 1 and words[i - 1][:1].isupper() and words[i + 1][:1].isupper():
            continue
        if word in {"from", "of"} and i > 0 and words[i - 1].lower() in _PEOPLE_OF:
            return False  # "Top diplomats from the Group of Seven urged Russia": the people of X act for X
        if word in _PREPOSITIONS:
            return True
        if word in {"the", "a", "an"} and i > 0 and words[i - 1].lower() not in _PREPOSITIONS:
            return False  # "On Tuesday the Iraqi Foreign Ministry …": the preposition governs "Tuesday"
        if verbs and words[i][:1].islower() and (word in _OBJECT_VERBS or (word.endswith(("ed", "ing")) and len(word) > 4)):
            return True
        if word in _FUNCTION_WORDS:
            return False
    return False


class _Sentence:
    """The actors of one sentence, and the reading of a cue's source and target among them."""

    def __init__(self, text: str, start: int, end: int, actors: list[_Actor], people: list[_Actor],
                 pair: tuple[str, str] | None, marks: list[tuple[int, int]]):
        self.text, self.start, self.end = text, start, end
        self.actors, self.people, self.pair = actors, people, pair
        self.person_ids = {p.entity_id for p in people}
        self.last_assault: _Actor | None = None  # the author of the attack the article leads with
        self.armed: set[str] = set()  # the armed groups of the article
        self.home: str | None = None  # the state the article names most
        self.assaults: list[tuple[_Actor, _Actor]] = []  # (author, target) of the attacks reported before
        self.sanctions: list[tuple[int, str, _Actor]] = []  # (sentence, author, target) of the measures reported before
        self.also: list[_Actor] = []  # further targets of the last reading (a measure's earlier targets)
        marks = [(lo, hi) for lo, hi in marks[bisect_left(marks, (start, start)) :] if lo < end] if marks else []
        self.opens = [hi for _, hi in marks]  # a clause begins after each boundary …
        self.closes = [lo for lo, _ in marks]  # … and ends where the next one starts

    def clause_start(self, at: int) -> int:
        """Where the clause holding offset ``at`` begins."""
        i = bisect_right(self.opens, at)
        return self.opens[i - 1] if i else self.start

    def clause_end(self, at: int) -> int:
        i = bisect_left(self.closes, at)
        return self.closes[i] if i < len(self.closes) else self.end

    def floor(self, at: int, word: str) -> tuple[int, int]:
        """(start of the clause whose subject acts at ``at``, where that subject is looked for up to)."""
        floor = self.clause_start(at)
        text = self.text
        # "Erdogan approved the release after meeting Mashhadani", "…, renewing its demand that …": a gerund or a
        # participle clause shares its main clause's subject.
        if floor > self.start and (
            (word.lower().endswith("ing") and _GERUND_LEAD.search(text, floor, at)) or _PARTICIPLE_LEAD.match(text, floor)
        ):
            lead = self.closes[bisect_right(self.opens, at) - 1]
            return self.clause_start(lead), lead
        participle = _PARTICIPLE_CLAUSE.search(text, floor, at)
        if participle:
            return floor, participle.start() + 1
        return floor, at

    def subject(self, lo: int, hi: int) -> _Actor | None:
        """The subject actor of a verb at ``hi`` in a clause from ``lo``: the nearest actor before it that is
        neither a place nor the object of a preposition, or the person a subject pronoun stands for."""
        text = self.text
        pronoun = _SUBJECT_PRONOUN.search(text, lo, hi)
        candidates, objects = [], []
        for a in (a for a in self.actors if lo <= a.start and a.end <= hi and not a.place):
            # "tariffs on Canadian and Mexican exports": an actor listed after a preposition's object is one too.
            if _after_preposition(text, a.start, lo) or (
                    objects and re.fullmatch(r"\s+(?:and|or)\s+(?:the\s+)?", text[objects[-1].end : a.start])):
                objects.append(a)
            else:
                candidates.append(a)
        if pronoun and (not candidates or candidates[-1].end <= pronoun.start()):
            word = pronoun.group(1).lower()
            if word in {"he", "she"}:
                return self.person_before(pronoun.start())
            if word == "it":
                # "Amman condemned the attack and said it was coordinating with Washington": the state named last.
                states = [a for a in self.actors if a.end <= pronoun.start() and not a.place and a.entity_id not in self.person_ids
                          and not _after_preposition(text, a.start, self.start)]
                return states[-1] if states else None
            said = _SAID_BEFORE.search(text, self.start, pronoun.start())
            if word in {"they", "we"} and said:
                # "Security forces in Somalia say they killed …": the pronoun right after the saying is the sayer.
                return self.subject(self.start, said.start())
            return None
        if candidates:
            # "Baghdad summoned Iran's ambassador … and called them …": an object of an earlier verb is no subject.
            subjects = [a for a in candidates if not _after_preposition(text, a.start, lo, verbs=True)]
            if len(subjects) > 1 and _APPOSITIVE.match(text, subjects[-2].end, subjects[-1].start) \
                    and _POSSESSOR.match(text, subjects[-1].end) and subjects[-2].entity_id not in self.person_ids:
                subjects.pop()  # "Moscow, Assad's main ally, suspended …": the appositive's possessor is no subject
            return subjects[-1] if subjects else None
        if lo > self.start and _RELATIVE.search(text, max(self.start, lo - 8), lo):
            # "… met President Rashid, who urged Iran to …": the relative pronoun stands for the actor before it.
            antecedent = [a for a in self.actors if a.end <= lo and not a.place
                          and _ANTECEDENT_GAP.fullmatch(self.text, a.end, lo)]
            return antecedent[-1] if antecedent else None
        return self.pair_actor(lo, hi, 0)

    def person_before(self, at: int) -> _Actor | None:
        """The person named last before ``at`` (None when the text gives no state for them)."""
        earlier = [p for p in self.people if p.end <= at]
        # "Obama has not spoken with Erdogan …, but the White House said he had backed …": a pronoun stands for the
        # last person named as a subject rather than as the object of a preposition, within the sentence.
        subjects = [p for p in earlier if p.start >= self.start and not _after_preposition(self.text, p.start, self.start)]
        if subjects and earlier[-1].start >= self.start and _after_preposition(self.text, earlier[-1].start, self.start):
            return subjects[-1] if subjects[-1].actor else None
        return earlier[-1] if earlier and earlier[-1].actor else None

    def modifier(self, lo: int, at: int) -> _Actor | None:
        """An actor right before a nominal cue, as its modifier: "Iran's attack", "US drone strikes"."""
        near = [a for a in self.actors if lo <= a.start and a.end <= at and not a.place]
        if near and _NOUN_MODIFIERS.match(self.text, near[-1].end, at):
            return near[-1]
        return None

    def noun_source(self, lo: int, at: int) -> _Actor | None:
        """Who acts in a nominal cue: a modifier next to it ("Iran's attack", "his visit") or the subject of the
        light verb that carries it ("held talks", "signed an agreement", "launched its offensive")."""
        text = self.text
        near = self.modifier(lo, at)
        if near:
            return near
        if _TOPIC.search(text, lo, at):
            return None  # "an agreement on water cooperation": the topic of another act, not an act of its own
        light = _LIGHT_VERB.search(text, lo, at)
        if light:
            return self.subject(lo, light.start())
        possessive = _POSSESSIVE.search(text, lo, at)
        if possessive:
            # "his first visit": the person named last; "its demand": the subject of the clause.
            if possessive.group(1).lower() in {"his", "her"}:
                return self.person_before(possessive.start())
            return self.subject(lo, possessive.start())
        return None

    def pair_actor(self, lo: int, hi: int, which: int) -> _Actor | None:
        """'the two governments' as a subject: the two states the article is about."""
        if not self.pair:
            return None
        m = _PAIR.search(self.text, lo, hi)
        if not m:
            return None
        return _Actor(m.start(), m.end(), self.pair[which], self.pair[which], False)

    def object(self, at: int, source: _Actor, phrase: bool = False) -> _Actor | None:
        """The first other actor after the cue ending at ``at``, in its clause (with ``phrase``, in the noun phrase
        of a nominal cue: "U.S. support for the island, China's aggression in the region and its ties with Russia")."""
        hi = self.clause_end(at)
        if phrase:
            comma = self.text.find(",", at, hi)
            # An appositive name after the comma still belongs to the phrase ("an offensive against the militia, the YPG,").
            named = next((a for a in self.actors if comma >= 0 and a.start > comma and _APPOSITIVE.fullmatch(self.text, comma, a.start)), None)
            if comma >= 0 and not (named and re.match(r"\s*(?:[,.;]|$)", self.text[named.end : named.end + 2])):
                hi = comma
            other = _OTHER_PHRASE.search(self.text, at, hi)  # "China's aggression in the region and its ties with Russia"
            hi = other.start() if other else hi
        found = [a for a in self.actors if at <= a.start < hi and a.actor != source.actor
                 and not _NAMED_CAMPAIGN.search(self.text, max(at, a.start - 40), a.start)
                 and not (a.place and _NEAR.search(self.text, max(at, a.start - 12), a.start))]
        if found:
            return found[0]
        pair = self.pair_actor(at, hi, 0)
        if pair and source.actor in self.pair:
            return _Actor(pair.start, pair.end, self.pair[1 - self.pair.index(source.actor)], pair.entity_id, False)
        return None

    def partner(self, source: _Actor) -> _Actor | None:
        """The other side of a joint subject: "Iraq and Iran signed", "the two governments agreed"."""
        if self.pair and _PAIR.match(self.text, source.start):
            return _Actor(source.start, source.end, self.pair[1], self.pair[1], False)
        before = [a for a in self.actors if a.end <= source.start and a.actor != source.actor and not a.place]
        if before and _JOINED.fullmatch(self.text, before[-1].end, source.start):
            return before[-1]
        pronoun = _PRONOUN_AND.search(self.text, max(self.start, source.start - 60), source.start)
        if pronoun:
            person = self.person_before(pronoun.start())
            return person if person and person.actor != source.actor else None
        return None

    def head(self, actor: _Actor | None) -> _Actor | None:
        """The actor a phrase is about: "Turkey's rival Greece" is Greece, "Iran's ally Russia" Russia."""
        if actor is None:
            return None
        nxt = next((a for a in self.actors if a.start > actor.end), None)
        if nxt is not None and re.fullmatch(r"['’]s(?:\s+[a-z][\w-]*){1,3}\s+(?:the\s+)?", self.text[actor.end : nxt.start]):
            return nxt
        return actor

    def named_after(self, at: int, source: _Actor) -> bool:
        """Does the clause name another actor after ``at`` (one the reading did not take as the target)?"""
        hi = self.clause_end(at)
        return any(at <= a.start < hi and a.actor != source.actor for a in self.actors)

    def counterpart(self, source: _Actor) -> _Actor | None:
        """The other of the article's two states, for an act whose object is left implicit."""
        if self.pair and source.actor in self.pair:
            other = self.pair[1 - self.pair.index(source.actor)]
            return _Actor(source.start, source.end, other, other, False)
        return None

    def read(self, at: int, end: int, cue: Cue) -> tuple[_Actor, _Actor] | None:
        """(source, target) of the cue at ``at``..``end``, or None when the clause does not say."""
        text = self.text
        lo, hi = self.floor(at, text[at:end])
        symmetric = cue.category in SYMMETRIC
        # "is calling on", "was cutting ties with": a progressive, not a passive.
        if not cue.noun and not text[at:end].split()[0].lower().endswith("ing") and _PASSIVE.search(text, lo, at):
            # "X was struck by Y": Y acts on X. Without a "by" agent there is no telling who acted.
            patient = self.subject(lo, at)
            if patient is None or not _AGENT.match(text, end, min(end + 40, self.end)):
                return None
            source = self.object(end, patient)
            return (source, patient) if source else None
        if cue.reported:
            # "Kanaani said Baghdad and Erbil must stop the groups", "Tillerson said Russia had failed to honor its
            # promise": a demand or a charge the sayer makes of the subject of what is said.
            said = [m for m in _SAID.finditer(text, self.start, at) if m.start() < lo]
            if not said:
                return None
            target = self.subject(lo, hi)
            sayer = self.subject(self.start, said[-1].start())
            if sayer is None and _SUBJECT_PRONOUN.search(text, self.start, said[-1].start()):
                sayer = self.person_before(said[-1].start())
            if sayer and target and sayer.actor != target.actor:
                return sayer, target
            return None
        if cue.noun and cue.category == "REQUEST" and _ASKED_BY.match(text, end):
            # "after appeals from Saudi Crown Prince Mohammed bin Salman", "at the request of Baghdad": the one asking
            # follows; the one asked is the subject of the sentence.
            asker = next((a for a in self.actors if a.start == _ASKED_BY.match(text, end).end()), None)
            asked = [a for a in self.actors if self.start <= a.start and a.end <= at and not a.place
                     and not _after_preposition(text, a.start, self.start)]
            if asker and asked and asked[-1].actor != asker.actor:
                return asker, asked[-1]
            return None
        if cue.noun:
            source = self.noun_source(lo, at)
            if symmetric and source is not None:
                # "U.S.-Ukraine talks", "a joint Kenya-U.S. military base": both sides named as one modifier.
                hyphened = next((a for a in self.actors if a.end <= source.start and a.actor != source.actor
                                 and re.fullmatch(r"\s*[-‐–/]\s*", text[a.end : source.start])), None)
                if hyphened:
                    return hyphened, source
            of = _OF.match(text, end) if source is None and cue.category not in _AGENT_OF else None
            patient = next((a for a in self.actors if of and a.start == of.end()), None)
            if patient is not None:
                # "the expulsion of the U.S. military from Iraq", "sanctions of …": "of" names who is acted on; the
                # one acting is the clause's subject.
                actor = self.subject(lo, at)
                return (actor, patient) if actor and actor.actor != patient.actor else None
            agent = (_OF.match(text, end) or _BY.match(text, end)) if source is None and not of else None
            if agent:
                # "the withdrawal of Turkish troops", "the combat mission of the US-led coalition": "of" names who acts.
                source = next((a for a in self.actors if a.start == agent.end()), None)
                if source is not None:
                    end = agent.end()
            # "talks with Iran" is an act; "the pipeline agreement with Baghdad remained in force" is a standing state.
            definite = _DEFINITE.search(text, lo, at) and source is None
            joint = _WITH.match(text, end) if symmetric and not definite else None
            if joint:
                # "talks with Iran", "an agreement with the United States": the other side follows "with".
                other = self.head(next((a for a in self.actors if a.start >= end and a.start < joint.end() + 40), None))
                if source is None:
                    source = self.subject(lo, at)
                if source is None and other is not None:
                    source = self.counterpart(other)  # "after days of talks with an Iranian delegation"
                if source and other and other.actor != source.actor:
                    return source, other
            between = _BETWEEN.match(text, end) if symmetric else None
            if symmetric and self.pair and _BETWEEN_PAIR.match(text, end):
                first = _Actor(end, end, self.pair[0], self.pair[0], False)
                return first, _Actor(end, end, self.pair[1], self.pair[1], False)
            if between:
                sides = [a for a in self.actors if between.start() <= a.start < between.end()]
                if len({a.actor for a in sides}) == 2:
                    first = sides[0]
                    return first, next(a for a in sides if a.actor != first.actor)
        else:
            if re.match(r"\w+ed\b", text[at:end]) and _APPOSITIVE_PASSIVE.search(text, lo, at):
                # "The PKK, designated a terrorist group by Turkey, …": the noun before the comma is acted on by the
                # "by" phrase ("Iran's foreign minister, Mohammad Javad Zarif, accused …" has none: a main verb).
                patient = next((a for a in reversed(self.actors) if a.end <= at and not a.place
                                and _APPOSITIVE_PASSIVE.fullmatch(text, a.end, at)), None)
                by = re.compile(r"[^,;.]{0,60}?\bby\s+(?:the\s+)?").match(text, end)
                agent = next((a for a in self.actors if by and a.start == by.end()), None)
                if patient is not None and agent is not None:
                    return (agent, patient) if agent.actor != patient.actor else None
            relative = _REDUCED_RELATIVE.search(text, lo, at) if re.match(r"\w+ed\b", text[at:end]) else None
            if relative and any(_APPOSITIVE_CLOSED.fullmatch(text, a.end, at) for a in self.actors if a.end <= at):
                relative = None  # "Hezbollah, a U.S.-designated group, fired rockets": the appositive closes, the verb is main
            if relative and (relative.group().strip() not in {",", *_FORCE_NOUNS} or _PREPOSITION_NEXT.match(text, end)):
                return None  # "a deal, signed in July", "the agreement signed in 2021": a participle, not an act
            source = None
            if _NEW_SUBJECT.search(text, lo, at):
                return None  # "as Baghdad moved to isolate the region and its neighbours warned": another subject
            if lo > self.start and _AFTER_RELATIVE.search(text, lo, at) and _RELATIVE.search(text, max(self.start, lo - 8), lo):
                # "Turkey, which backs rebel groups fighting Assad, welcomed it": the verb after the relative clause
                # belongs to the relative pronoun's antecedent.
                antecedent = [a for a in self.actors
                              if a.end <= lo and not a.place and _ANTECEDENT_GAP.fullmatch(text, a.end, lo)]
                source = antecedent[-1] if antecedent else None
            if source is None:
                source = self.subject(lo, hi)
            if source is None and lo > self.start and _AND_VERB.search(text, lo, at):
                # "The Syrian army said the attack killed six people and accused Washington …": a verb joined by "and"
                # to an earlier one in the sentence shares its subject.
                source = self.subject(self.start, hi)
        if source is None:
            return None
        if self.pair and source.entity_id == self.pair[0] and _PAIR.match(text, source.start):
            # "Both countries withdrew their ambassadors": each of the two acts on the other.
            return source, _Actor(source.start, source.end, self.pair[1], self.pair[1], False)
        joint = _WITH_ACTOR.match(text, end) if symmetric else None
        if joint:
            # "signed a joint statement with the United States": the other side follows "with".
            target = self.head(next((a for a in self.actors if a.start >= joint.end() - 1 and a.start < self.clause_end(end)
                                     and a.actor != source.actor), None))
        else:
            target = self.partner(source) if symmetric else None
        attack = _ATTACK_OBJECT.match(text, end) if cue.category in {"ACCUSE", "PROTEST", "SUPPORT"} and not cue.noun else None
        if attack and not target:
            # "condemned the strikes", "welcomed it": aimed at the author of the attack, named in the phrase or before.
            named = [a for a in self.actors if end <= a.start < attack.end() and a.actor != source.actor]
            if named:
                target = named[0]
            elif self.last_assault is not None and self.last_assault.actor != source.actor:
                target = self.last_assault
            else:
                # Otherwise the victim condemning its attacker ("Iraq condemned the strikes"); with no author known,
                # "condemned the attacks" is not aimed at the other state.
                target = next((a for a, b in reversed(self.assaults) if b.actor == source.actor), None)
                if target is None:
                    return None
        if not target and cue.category == "AGREE" and not cue.noun and _AGREED_TO.match(text, end) and self.counterpart(source):
            # "Turkey agreed on Thursday to pause its offensive in northeastern Syria": what is agreed to is no party
            # to the agreement; the other side is the article's other state.
            return source, self.counterpart(source)
        if target is None:
            target = self.object(end, source, phrase=cue.noun)
            if target is not None and symmetric and cue.noun and (
                len(self.listed_after(target)) > 1 or target.entity_id.startswith("place:")
            ):
                # A joint noun's other side is no list of members and no town it is held in ("the G7 talks bring
                # together ministers from Britain, Canada …", "talks in Jeddah"); a capital stands for its state.
                target = None
        if target is None and not symmetric and _IT_OBJECT.match(text, end):
            # "accused Israel of … and called on it to withdraw": the pronoun stands for the last object of a verb.
            objects = [a for a in self.actors if self.start <= a.start and a.end <= at and a.actor != source.actor and not a.place
                       and a.entity_id not in self.person_ids
                       and _VERB_BEFORE.search(text, max(self.start, a.start - 30), a.start)]
            target = objects[-1] if objects else None
        possessed = _POSSESSED_OBJECT.match(text, end) if target is None and cue.category in _ANSWERED else None
        if possessed:
            # "Tehran rejected its offer for new talks": the offer is of the actor named last before the verb's subject.
            if possessed.group(1).lower() in {"his", "her"}:
                owner = self.person_before(source.start)
            else:
                owner = next((a for a in reversed(self.actors) if self.start <= a.start and a.end <= source.start
                              and a.actor != source.actor and not a.place and a.entity_id not in self.person_ids), None)
            target = owner if owner is not None and owner.actor != source.actor and not self.named_after(end, source) else None
        if target is None and cue.category == "CONCEDE" and not self.named_after(end, source):
            # "… imposed 25% tariffs on Canadian and Mexican exports, then later delayed the tariffs": the measure put off
            # is the one the same side imposed last, on the same targets.
            earlier = [(i, t) for i, s, t in self.sanctions if s == source.actor]
            if earlier:
                last = earlier[-1][0]
                targets = [t for i, t in earlier if i == last]
                target, self.also = targets[0], targets[1:]
        if target is None and cue.category == "REQUEST" and _THAT_OBJECT.match(text, end):
            target = self.object(_THAT_OBJECT.match(text, end).end(), source)
        if target is None and cue.noun and cue.category in _RECEIVED and source is self.modifier(lo, at):
            # "Jordan receives about $425 million a year in US military assistance": the subject receives it.
            receiver = self.subject(lo, source.start)
            opposed = receiver is not None and _OPPOSED.search(text, receiver.end, source.start)
            target = receiver if receiver and receiver.actor != source.actor and not opposed else None
        if target is None and cue.category == "REQUEST" and not cue.noun and _FOR_OBJECT.search(text, at, end + 5):
            # "Iraqi officials have pressed for faster delivery of weapons": asked of the article's other state.
            target = self.counterpart(source) if not self.named_after(end, source) else None
        if target is None and cue.category in _IMPLICIT_OBJECT and cue.mode != "visit" and not self.named_after(end, source) and not (
            cue.category == "ACCUSE" and _NAMED_OBJECT.match(text, end)
        ) and not _NOT_AIMED.match(text, end) and not _WHOM.search(text, max(self.start, lo - 8), lo):
            target = self.counterpart(source)
            if target is not None and not symmetric and target.actor in {a.actor for a in self.conjuncts(source)}:
                target = None  # "Both Pakistan and China reject the claims": the two act together, not on each other
        if target is None and source.actor in self.armed and cue.category in _GROUP_IMPLICIT and self.home \
                and self.home != source.actor and not self.named_after(end, source) and not _NOT_AIMED.match(text, end) \
                and not (cue.category == "ACCUSE" and _NAMED_OBJECT.match(text, end)):
            target = _Actor(source.start, source.end, self.home, self.home, False)
        return (source, target) if target else None

    def listed_after(self, first: _Actor) -> list[_Actor]:
        """The actors listed with the object ``first`` ("Russia, Turkey, Syria and Iraq"), itself first."""
        listed = [first]
        if first not in self.actors:
            return listed
        last_end = first.end
        for a in self.actors[self.actors.index(first) + 1 :]:
            if a.actor == listed[-1].actor and _TITLE_GAP.fullmatch(self.text, last_end, a.start):
                last_end = a.end  # "Saudi Crown Prince Mohammed bin Salman": one actor named twice
                continue
            if (a.place and not a.goods) or not _LISTED.fullmatch(self.text, last_end, a.start):
                break
            listed.append(a)
            last_end = a.end
        return listed

    def conjuncts(self, source: _Actor) -> list[_Actor]:
        """The actors listed with ``source`` as one subject ("Egypt, Iraq, Jordan and Lebanon signed"), itself last."""
        listed = [source]
        floor = self.clause_start(source.start)
        for a in reversed([a for a in self.actors if floor <= a.start and a.end <= source.start]):
            if not _LISTED.fullmatch(self.text, a.end, listed[0].start) or a.place:
                break
            listed.insert(0, a)
        return listed


def _owned_bodies(text: str, findings: EntityFindings) -> dict[str, str]:
    """Organisations of no known state that the text puts under one ("Somalia's National Intelligence and Security
    Agency", "the Pakistani National Security Committee"): entity id -> the owning state."""
    mentions = sorted(findings.mentions, key=lambda m: m.start)
    owned: dict[str, str] = {}
    for before, m in zip(mentions, mentions[1:]):
        body = findings.entities[m.entity_id]
        if body.kind != "organization" or body.country_code or findings.entities[before.entity_id].kind != "country":
            continue
        gap = text[before.end : m.start]
        if _OWNER.fullmatch(gap) or re.fullmatch(r"\s+(?:the\s+)?", gap) and before.surface[:1].isupper() \
                and before.surface.lower().endswith(("an", "i", "ese", "ish", "ch")):
            owned.setdefault(m.entity_id, before.entity_id)
    for body, m in zip(mentions, mentions[1:]):
        entity = findings.entities[m.entity_id]
        if body.entity_id in owned and entity.kind == "organization" and not entity.country_code \
                and _SHORT_NAME.fullmatch(text, body.end, m.start):
            owned.setdefault(m.entity_id, owned[body.entity_id])
    return owned


@dataclass(frozen=True)
class _Reference:
    sentence: int
    actor: _Actor


def _references(text: str, findings: EntityFindings, home: str | None, quoted: list[tuple[int, int]],
                starts: list[int]) -> list[_Reference]:
    """Group nouns read as the armed group they refer back to, and unnamed state forces as the article's state."""
    mentions = sorted(findings.mentions, key=lambda m: m.start)
    kinds = [findings.entities[m.entity_id].kind for m in mentions]
    armed = [m for m, kind in zip(mentions, kinds) if kind == "armed_group"]
    if not armed:
        return []
    bodies = [(m, kind) for m, kind in zip(mentions, kinds) if kind in {"armed_group", "organization"}]
    most = Counter(m.entity_id for m in armed).most_common(1)[0][0]
    ends = [m.end for m in mentions]
    found = []

    def free(lo: int, hi: int) -> bool:
        # Not inside a name, not a noun right after one ("BLA insurgents"), not in a direct quote.
        i = bisect_right(ends, lo) - 1
        after_name = i >= 0 and not text[ends[i] : lo].strip()
        j = bisect_left(ends, lo + 1)
        inside = j < len(mentions) and mentions[j].start < hi
        modified = re.search(r"(?:\b(?:anti|pro)-[\w-]+|['’]s)\s+$", text[max(0, lo - 40) : lo])  # "anti-Pakistan militants"
        return not after_name and not inside and not modified and not _inside(lo, quoted)

    for m in _GROUP_REFERENCE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        before = [b for b in armed if b.end <= m.start()]
        if m.group("noun").lower() == "group":
            # "the group" only where the body named last is an armed group (not "the rights group").
            last = [(b, kind) for b, kind in bodies if b.end <= m.start()]
            if not m.group().lower().startswith("the ") or not last or last[-1][1] != "armed_group":
                continue
        group = before[-1].entity_id if before else most
        found.append(_Reference(-1, _Actor(m.start(), m.end(), group, group, False)))
    if home:
        for m in _FORCES_REFERENCE.finditer(text):
            if free(m.start(), m.end()):
                found.append(_Reference(-1, _Actor(m.start(), m.end(), home, home, False)))
    return [replace(r, sentence=bisect_right(starts, r.actor.start) - 1) for r in found]


def _main_pair(actors: list[_Actor]) -> tuple[str, str] | None:
    """The two states an article is about: the two named most often (a state's people and bodies count for it)."""
    counts = Counter(a.actor for a in actors if ":" not in a.actor)
    top = [actor for actor, _ in counts.most_common(2)]
    return (top[0], top[1]) if len(top) == 2 else None


def _irrealis(text: str, lo: int, hi: int, at: int) -> bool:
    """Is the cue at ``at`` (in the sentence ``lo``..``hi``) conditional, asked for, wanted or offered rather than
    done? "would" in reported speech ("Austin said Washington would keep working with Baghdad") is the reported
    "will" of an announcement, not a condition, unless an "if" goes with it."""
    modal = _HYPOTHETICAL.search(text, max(lo, at - 60), at)
    if modal and (modal.group(1) or "").lower() == "would" and _REPORTED.search(text, lo, modal.start()) \
            and not _CONDITION.search(text, lo, hi):
        modal = None
    return bool(modal or _WANTED.search(text, max(lo, at - 60), at) or _ALLEGED.search(text, max(lo, at - 120), at))


def find_interactions(
    text: str,
    sentences: list[tuple[int, int]],
    findings: EntityFindings,
    events: list[DatedEvent],
    published: date | None,
    quotes: list[Quote] = (),
) -> list[Interaction]:
    role_country = {r.person_id: r.country_code for r in findings.roles if r.country_code}
    # An office in an armed group ("commander of the SDF", "Islamic State's spokesman") makes its holder act for the
    # group, not for a state.
    groups = [m for m in findings.mentions if findings.entities[m.entity_id].kind == "armed_group"]
    for role in findings.roles:
        for m in groups:
            if role.start - 2 <= m.start and m.end <= role.end + 2:
                role_country[role.person_id] = m.entity_id
    # An office of an international body ("United Nations-appointed special rapporteur", "the U.N. special envoy for
    # Syria", "special rapporteur of the United Nations") makes its holder act for the body, not for the state the
    # office is about.
    bodies = [m for m in findings.mentions if findings.entities[m.entity_id].kind == "organization"
              and not findings.entities[m.entity_id].country_code]
    for role in findings.roles:
        for m in bodies:
            if (m.end <= role.start and _BODY_BEFORE.fullmatch(text, m.end, role.start)) or (
                    role.start <= m.start and m.end <= role.end + 2) or (
                    m.start >= role.end and _BODY_AFTER.fullmatch(text, role.end, m.start)):
                role_country[role.person_id] = m.entity_id
    owned = _owned_bodies(text, findings)
    by_sentence: dict[int, list[_Actor]] = {}
    people: list[_Actor] = []
    every: list[_Actor] = []
    in_quotes: list[_Actor] = []
    # Paired by place, not shape: straight and curly marks mixed in one text must not leave a quote open for pages.
    # A quote that is a noun phrase of the narrative ('affirmed their “unwavering support for Ukraine”') is read with it.
    spans = quote_spans(text)
    quoted = [(lo, hi) for lo, hi in spans if not _PHRASE_QUOTE.search(text, max(0, lo - 8), lo)]
    phrase_marks = {at for lo, hi in spans if (lo, hi) not in quoted for at in (lo, hi - 1)}
    for m in sorted(findings.mentions, key=lambda m: m.start):
        actor, is_place = actor_of(m.entity_id, findings, role_country)
        led = _LED.match(m.surface)
        if led:
            # "the US-led coalition" acts for the state that leads it.
            leader = default_gazetteer().phrases.get(token_key(led.group(1)))
            if leader and default_gazetteer().entities[leader].kind == "country":
                actor = leader
        if findings.entities[m.entity_id].kind == "person" and not actor and not _inside(m.start, quoted):
            people.append(_Actor(m.start, m.end, "", m.entity_id, False))  # "he" may stand for someone of no known state
        if m.entity_id in owned:
            actor = owned[m.entity_id]
        goods = bool(_GOODS.match(text, m.end))
        if not actor or (_COMPOUND.match(text, m.end) and not goods) or _PRIVATE.match(text, m.end):
            continue
        if findings.entities[m.entity_id].kind == "country" and (
            _GROUP_NOUN.match(text, m.end) or _PLACE_OF.search(text, max(0, m.start - 20), m.start)
            or _PLACE_AFTER.match(text, m.end)
        ):
            continue
        a = _Actor(m.start, m.end, actor, m.entity_id, is_place or goods, goods)
        if _inside(m.start, quoted):
            in_quotes.append(a)  # read only with the speaker's "we" (below)
            continue
        by_sentence.setdefault(m.sentence_index, []).append(a)
        every.append(a)
        if findings.entities[m.entity_id].kind == "person":
            people.append(a)
    pair = _main_pair(every)
    armed = {a.actor for a in every if findings.entities.get(a.actor) is not None and findings.entities[a.actor].kind == "armed_group"}
    states = Counter(a.actor for a in every if ":" not in a.actor)
    home = states.most_common(1)[0][0] if states else None
    for a in _references(text, findings, home, quoted, [s for s, _ in sentences]):
        by_sentence.setdefault(a.sentence, []).append(a.actor)
    for actors in by_sentence.values():
        actors.sort(key=lambda a: a.start)
    dates = {}
    for event in events:
        if event.event_date and event.sentence_index not in dates:
            dates[event.sentence_index] = (event.event_date, event.precision)

    named = {offset for m in findings.mentions for offset in range(m.start, m.end)}
    marks = [(m.start(), m.end()) for m in _CLAUSE.finditer(text) if m.start() not in phrase_marks]
    starts = [s for s, _ in sentences]
    by_cue_sentence: dict[int, list[tuple[Cue, re.Match]]] = {}
    every_cue = _cue_matches(text)
    for _, cue, match in every_cue:
        index = bisect_right(starts, match.start()) - 1
        if index >= 0 and match.end() <= sentences[index][1]:
            by_cue_sentence.setdefault(index, []).append((cue, match))
    found: list[Interaction] = []
    seen: set[tuple] = set()
    agreed: set[tuple] = set()
    last_assault: _Actor | None = None
    assaults: list[tuple[_Actor, _Actor]] = []
    sanctions: list[tuple[int, str, _Actor]] = []
    for index, (s_start, s_end) in enumerate(sentences):
        actors = by_sentence.get(index, [])
        cues = by_cue_sentence.get(index)
        if not cues or (not actors and not (pair and _PAIR.search(text, s_start, s_end))):
            continue
        sentence = _Sentence(text, s_start, s_end, actors, people, pair, marks)
        sentence.last_assault, sentence.assaults, sentence.sanctions = last_assault, assaults, sanctions
        sentence.armed, sentence.home = armed, home
        first_seen: dict[str, int] = {}
        for a in actors:
            first_seen.setdefault(a.actor, a.start)
        # A measure put off is read after the measures the sentence reports ("imposed tariffs …, then delayed them").
        for cue, match in sorted(cues, key=lambda c: c[0].category == "CONCEDE"):
            at, cue_end = match.start(), match.start() + len(match.group().rstrip())  # "pressuring " ends at its word
            # A cue inside a name ("Combined Joint Operation …") is part of the name, not an action; one inside
            # a direct quote is something said.
            if at in named or _inside(at, quoted) or text[at - 1 : at] in "-‐–":
                continue
            floor = sentence.clause_start(at)
            if _NEGATION.search(text, floor, at) or _NEGATED_AFTER.match(text, cue_end):
                continue
            if cue.category == "SANCTION" and cue.noun and _LIFTED.search(text, max(floor, at - 50), at):
                continue  # "would lift its sanctions on Damascus": the end of a sanction, not one
            sentence.also = []
            sides = sentence.read(at, cue_end, cue)
            if sides is None:
                continue
            subject, obj = sides
            also = [(subject, t) for t in sentence.also]
            if subject.start >= cue_end:
                # "appeals from Saudi Crown Prince Mohammed bin Salman and Turkish President Recep Tayyip Erdogan".
                pairs = [(source, obj) for source in sentence.listed_after(subject)]
            elif obj.start >= cue_end:
                # Each state of a listed subject acts on the object: "Egypt, Iraq and Jordan signed … with the US".
                # Each listed object is acted on: "summoned the American and British ambassadors", "thanked Russia,
                # Turkey, Syria and Iraq".
                pairs = [(source, o) for source in sentence.conjuncts(subject) for o in sentence.listed_after(obj)]
            elif subject.start == obj.start and cue.category not in SYMMETRIC and _PAIR.match(text, subject.start):
                pairs = [(subject, obj), (obj, subject)]  # "Both countries withdrew their ambassadors": each acts on the other
            else:
                pairs = [(subject, obj)]
                listed = sentence.conjuncts(subject) if cue.category in SYMMETRIC else []
                if len({a.actor for a in listed}) > 2 and obj.actor in {a.actor for a in listed}:
                    # A joint act of several named states ("Jordan, Iraq, Syria and Turkey agreed"): every pair.
                    pairs = [(a, b) for i, a in enumerate(listed) for b in listed[i + 1 :] if a.actor != b.actor]
            for source, target in pairs + also:
                if source.actor == target.actor:
                    continue
                if cue.category in SYMMETRIC and first_seen.get(target.actor, -1) < first_seen.get(source.actor, -1):
                    source, target = target, source  # joint actions read in the order the text names the sides
                occurred_on, precision = dates.get(index, (published, "day" if published else None))
                basis = "text" if index in dates else "publication"
                pair_key = (tuple(sorted((source.actor, target.actor))) if cue.category in SYMMETRIC
                            else (source.actor, target.actor))
                if cue.category == "AGREE" and _ANAPHORIC_OBJECT.match(text, cue_end) and (cue.category, pair_key) in agreed:
                    continue  # "… signed the document": the agreement already coded
                agreed.add((cue.category, pair_key))
                # "recalled its chargé d'affaires from Ankara and summoned the Turkish ambassador": two protests.
                # "exempted the duties …, then delayed the tariffs": two concessions.
                verb = match.group().split()[0].lower() if cue.category in {"PROTEST", "CONCEDE"} and not cue.noun else ""
                key = (cue.category, pair_key, index, verb)
                if key in seen:
                    continue
                seen.add(key)
                if cue.category == "ASSAULT":
                    assaults.append((source, target))
                if cue.category == "SANCTION":
                    sanctions.append((index, source.actor, target))
                if cue.category == "ASSAULT" and last_assault is None and index < 3:
                    last_assault = source  # the attack an article leads with is the one later reactions are to
                found.append(
                    Interaction(
                        source_id=source.actor, target_id=target.actor, source_actor=source.entity_id,
                        target_actor=target.entity_id, category=cue.category, mode=cue.mode, intensity=cue.intensity,
                        cameo=cue.cameo, occurred_on=occurred_on, date_precision=precision, date_basis=basis,
                        hypothetical=_irrealis(text, s_start, s_end, at), cue=match.group(),
                        start=s_start, end=s_end, sentence_index=index,
                    )
                )
    found += _designations(text, findings, starts, sentences, dates, published, quoted, found)
    found += _first_person_acts(text, quotes, findings, role_country, in_quotes, people, pair, marks, armed, home,
                                every_cue, found, starts, dates, published)
    return _one_per_meeting(found)


_BODY_BEFORE = re.compile(r"(?:[-‐–](?:appointed|mandated)|['’]s)\s+(?:(?-i:[a-z])[\w-]*\s+){0,2}|\s+")
_BODY_AFTER = re.compile(r"\s+(?:of|to|at|for)\s+(?:the\s+)?")
# "Al-Shabab, a U.S.-designated terrorist group,", "the U.S.-designated terrorist organization Hezbollah": the state
# named in the compound has designated the group (a SANCTION), though it does not act in the sentence otherwise.
_DESIGNATED = re.compile(r"[-‐–]designated\b")
_DESIGNATED_AFTER = re.compile(r"[-‐–]designated(?:\s+(?-i:[a-z])[\w-]+){0,3}\s+(?:the\s+)?")
_DESIGNATED_BEFORE = re.compile(r",\s+(?:a|an|the)\s+(?:[\w-]+\s+)?$")


def _designations(text, findings, starts, sentences, dates, published, quoted, found) -> list[Interaction]:
    mentions = sorted(findings.mentions, key=lambda m: m.start)
    cue = next(c for c in load_cues() if c.category == "SANCTION")
    coded = {(i.category, i.source_id, i.target_id) for i in found}
    acts = []
    for k, m in enumerate(mentions):
        if findings.entities[m.entity_id].kind != "country" or not _DESIGNATED.match(text, m.end) or _inside(m.start, quoted):
            continue
        group = None
        before = mentions[k - 1] if k else None
        if before is not None and _DESIGNATED_BEFORE.search(text, before.end, m.start) and \
                _DESIGNATED_BEFORE.search(text, before.end, m.start).start() == before.end:
            group = before
        after = _DESIGNATED_AFTER.match(text, m.end)
        if group is None and after and k + 1 < len(mentions) and mentions[k + 1].start == after.end():
            group = mentions[k + 1]
        if group is None or findings.entities[group.entity_id].kind not in {"armed_group", "organization"}:
            continue
        if (actor_of(group.entity_id, findings, {})[0] or group.entity_id) == m.entity_id:
            continue
        target = actor_of(group.entity_id, findings, {})[0] or group.entity_id  # a state's own body stands for the state
        key = ("SANCTION", m.entity_id, target)
        if key in coded:
            continue
        coded.add(key)
        index = bisect_right(starts, m.start) - 1
        occurred_on, precision = dates.get(index, (published, "day" if published else None))
        acts.append(Interaction(
            source_id=m.entity_id, target_id=target, source_actor=m.entity_id, target_actor=group.entity_id,
            category="SANCTION", mode=cue.mode, intensity=cue.intensity, cameo=cue.cameo, occurred_on=occurred_on,
            date_precision=precision, date_basis="text" if index in dates else "publication", hypothetical=False,
            cue=text[m.start : _DESIGNATED.match(text, m.end).end()], start=sentences[index][0], end=sentences[index][1],
            sentence_index=index))
    return acts


def _first_person_acts(text, quotes, findings, role_country, in_quotes, people, pair, marks, armed, home, cues, found,
                       starts, dates, published) -> list[Interaction]:
    """What a speaker says they do in their own quote ("We categorically reject the allegations by Pakistan",
    "[We] urge the Pakistani side to …"): "we" or "I" is the speaker, acting for their state (or group), on the
    actor the quote names after the verb. Third-person acts inside a quote are only said, and stay uncoded."""
    coded = {(i.category, i.source_id, i.target_id, i.sentence_index) for i in found}
    acts = []
    for q in quotes:
        if q.kind != "direct" or not q.speaker_id or q.speaker_id not in findings.entities:
            continue
        speaker, _ = actor_of(q.speaker_id, findings, role_country)
        pronouns = [m for m in _FIRST_PERSON.finditer(text, q.start, q.end)]
        if not speaker or not pronouns:
            continue
        actors = sorted([a for a in in_quotes if q.start <= a.start < q.end]
                        + [_Actor(m.start(), m.end(), speaker, q.speaker_id, False) for m in pronouns], key=lambda a: a.start)
        sentence = _Sentence(text, q.start, q.end, actors, people, pair, marks)
        sentence.armed, sentence.home = armed, home
        for _, cue, match in cues:
            at, cue_end = match.start(), match.start() + len(match.group().rstrip())  # "pressuring " ends at its word
            if not q.start <= at < q.end or cue.noun:
                continue
            floor = sentence.clause_start(at)
            if _NEGATION.search(text, floor, at) or _NEGATED_AFTER.match(text, cue_end):
                continue
            sides = sentence.read(at, cue_end, cue)
            if sides is None or sides[0].entity_id != q.speaker_id or sides[0].actor == sides[1].actor:
                continue
            source, target = sides
            index = bisect_right(starts, at) - 1
            key = (cue.category, source.actor, target.actor, index)
            if key in coded:
                continue
            coded.add(key)
            occurred_on, precision = dates.get(index, (published, "day" if published else None))
            acts.append(Interaction(
                source_id=source.actor, target_id=target.actor, source_actor=source.entity_id, target_actor=target.entity_id,
                category=cue.category, mode=cue.mode, intensity=cue.intensity, cameo=cue.cameo, occurred_on=occurred_on,
                date_precision=precision, date_basis="text" if index in dates else "publication",
                hypothetical=_irrealis(text, q.start, q.end, at), cue=match.group(), start=q.start, end=q.end,
                sentence_index=index))
    return acts


def _one_per_meeting(found: list[Interaction]) -> list[Interaction]:
    """A meeting between two sides is one interaction however often the article reports it: the first report
    is kept, with the first date the text gives for it. Meetings the text dates differently ("met in June 2018",
    "their second summit, in February 2019") are different meetings."""
    kept: list[Interaction] = []
    first: dict[frozenset, list[int]] = {}
    for i in found:
        if i.category == "CONSULT":
            sides = frozenset((i.source_id, i.target_id))
            same = [k for k in first.get(sides, []) if not (
                i.date_basis == kept[k].date_basis == "text" and i.occurred_on != kept[k].occurred_on)]
            if same:
                k = same[0]
                earlier = kept[k]
                if earlier.hypothetical and not i.hypothetical:
                    kept[k] = i  # the meeting that happened, not the one that was planned
                elif earlier.date_basis == "publication" and i.date_basis == "text" and i.hypothetical == earlier.hypothetical:
                    kept[k] = replace(earlier, occurred_on=i.occurred_on, date_precision=i.date_precision,
                                      date_basis=i.date_basis)
                continue
            first.setdefault(sides, []).append(len(kept))
        kept.append(i)
    return kept
