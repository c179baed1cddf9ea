"""Extraction rules on sentences written for these tests."""

from datetime import date

from bilat import settings
from bilat.extract.ner import load_recognizer
from bilat.extract.pipeline import ArticleText, extract_claims, extract_entities, extract_interactions
from bilat.extract.quantities import find_quantities
from bilat.extract.text import SentenceIndex, sentence_spans

TEXT = (
    "AMMAN — Jordanian Foreign Minister Ayman Safadi met US Secretary of State Antony Blinken in Amman on Tuesday "
    "to discuss aid. Karen Doe, the US Ambassador to Jordan, said that the talks went well. "
    "“We will keep our commitments to Jordan,” Blinken said. Safadi told reporters: “Our partnership is strong.” "
    "Blinken described the relationship as a “strategic bond”. "
    "Washington pledged about $1.45 billion a year, and more than 3,000 US troops are based in the kingdom. "
    "Attacks by ISIS fell 40 percent last year. The two sides did not sign a new deal. "
    "The agreement of Feb. 14, 2018 expires this year, officials noted in March 2023."
)
PUBLISHED = date(2023, 9, 14)  # a Thursday


def _run(text=TEXT, published=PUBLISHED):
    article = ArticleText.of(text, published)
    entities = extract_entities(article)
    claims = extract_claims(article, entities)
    return article, entities, claims, extract_interactions(article, entities, claims.events)


def test_people_get_offices_from_titles_and_appositives():
    _, entities, _, _ = _run()
    roles = {(r.person_id, r.title, r.country_code) for r in entities.roles}
    assert ("person:ayman-safadi", "Foreign Minister", "JOR") in roles
    assert ("person:antony-blinken", "Secretary of State", "USA") in roles
    # An ambassador serves the sending state, not the host.
    assert ("person:karen-doe", "Ambassador to Jordan", "USA") in roles
    assert entities.entities["person:karen-doe"].country_code == "USA"


def test_short_forms_resolve_to_the_person_named_earlier():
    _, entities, _, _ = _run()
    blinken = [m for m in entities.mentions if m.surface == "Blinken"]
    assert blinken and {m.entity_id for m in blinken} == {"person:antony-blinken"}


def test_quotes_get_speakers_before_and_after_and_partial_quotes_are_marked():
    _, _, claims, _ = _run()
    quotes = {(q.kind, q.speaker_id, q.text) for q in claims.quotes}
    assert ("direct", "person:antony-blinken", "We will keep our commitments to Jordan,") in quotes
    assert ("direct", "person:ayman-safadi", "Our partnership is strong.") in quotes
    assert ("partial", "person:antony-blinken", "strategic bond") in quotes
    reported = [q for q in claims.quotes if q.kind == "reported"]
    assert [(q.speaker_id, q.text) for q in reported] == [("person:karen-doe", "the talks went well")]


def test_quantities_have_values_units_bounds_and_directions():
    _, _, claims, _ = _run()
    got = {(q.value, q.unit, q.bound, q.direction) for q in claims.quantities}
    assert (1.45e9, "USD", "about", None) in got
    assert (3000, "troops", "more_than", None) in got
    assert (40, "percent", "exact", "decrease") in got
    decrease = next(q for q in claims.quantities if q.unit == "percent")
    assert decrease.measures == "Attacks by ISIS"


def test_dates_resolve_against_the_publication_date():
    _, _, claims, _ = _run()
    got = {(e.date_text, e.event_date, e.precision) for e in claims.events}
    assert ("on Tuesday", date(2023, 9, 12), "day") in got
    assert ("last year", date(2022, 1, 1), "year") in got
    assert ("Feb. 14, 2018", date(2018, 2, 14), "day") in got
    assert ("this year", date(2023, 1, 1), "year") in got
    assert ("in March 2023", date(2023, 3, 1), "month") in got  # the leading "in" kept, as written


def test_relative_dates_stay_unresolved_without_a_publication_date():
    _, _, claims, _ = _run(published=None)
    relative = {e.date_text: (e.event_date, e.precision) for e in claims.events}
    assert relative["on Tuesday"] == (None, None)
    assert relative["this year"] == (None, None)
    assert relative["Feb. 14, 2018"] == (date(2018, 2, 14), "day")  # absolute dates need no anchor


def test_interactions_are_coded_once_and_negations_dropped():
    _, _, _, interactions = _run()
    consults = [i for i in interactions if i.category == "CONSULT"]
    assert len(consults) == 1
    assert (consults[0].source_id, consults[0].target_id) == ("JOR", "USA")
    assert consults[0].occurred_on == date(2023, 9, 12) and consults[0].date_basis == "text"
    # "did not sign a new deal" is not an AGREE
    assert not [i for i in interactions if i.category == "AGREE" and "did not" in TEXT[i.start : i.end]]


def test_the_secretary_and_the_king_resolve_to_the_office_holder_named_before():
    text = ("AMMAN — US Secretary of Defense Lloyd J. Austin III met King Abdullah II on Tuesday. The secretary thanked "
            "Jordan for its help. “We stand together,” the king told reporters after the meeting.")
    _, entities, claims, _ = _run(text)
    references = {m.surface: m.entity_id for m in entities.mentions if m.method == "title_reference"}
    assert references == {"The secretary": "person:lloyd-j-austin-iii", "the king": "person:abdullah-ii"}
    assert [q.speaker_id for q in claims.quotes if q.text.startswith("We stand")] == ["person:abdullah-ii"]


def test_an_office_takes_its_country_from_its_sentence_never_from_the_dateline_and_a_bare_rank_takes_none():
    text = ("KARBALA — Governor Samira Hadi said the roads were ready. Army Col. Tom Reade, who flew in on Monday, "
            "toured the site. The General Assembly was not in session and General Electric sent engineers. "
            "In Baghdad, Iraq's cabinet, led by Prime Minister Ali Nasser, approved the budget.")
    _, entities, _, _ = _run(text)
    roles = {(r.person_id, r.title, r.country_code) for r in entities.roles}
    assert ("person:samira-hadi", "Governor", None) in roles  # the dateline city is where the story was filed, not whose office
    assert ("person:tom-reade", "Colonel", None) in roles
    assert ("person:ali-nasser", "Prime Minister", "IRQ") in roles  # the one country its sentence names
    people = {e for e, entity in entities.entities.items() if entity.kind == "person"}
    assert people == {"person:samira-hadi", "person:tom-reade", "person:ali-nasser"}  # "General Assembly", "General Electric" are no one


def test_one_id_per_person_for_surnames_family_names_first_and_misspelt_surnames():
    text = ("Opposition leader Laurent Mbeki met Kim Jong Un's envoy. Mbeki said the talks were useful. "
            "Kim sent no reply. Mbecki later left for the airport, and Joint Chiefs Chairman Charles Q. Brown said he "
            "saw him there; Charles Brown added nothing.")
    article = ArticleText.of(text, PUBLISHED)
    entities = extract_entities(article, recognizer=load_recognizer(settings.DEFAULT_NER_MODEL))  # the default reader
    ids = lambda *surfaces: {m.entity_id for m in entities.mentions if m.surface in surfaces}  # noqa: E731
    assert len(ids("Laurent Mbeki", "Mbeki", "Mbecki")) == 1
    assert len(ids("Kim Jong Un", "Kim")) == 1
    assert len(ids("Charles Q. Brown", "Charles Brown")) == 1


def test_reported_statements_without_that_according_to_and_quotes_that_run_on():
    text = ("BAGHDAD — Iraqi Foreign Minister Fuad Hussein met the US ambassador, Alina Romanowski, on Sunday. "
            "“The relationship has matured,” Hussein said. “We now talk about trade as much as security.” "
            "Romanowski emphasized the US commitment to Iraq's sovereignty. "
            "According to Romanowski, the embassy will expand its trade section. "
            "Iraqi officials said the visit went well. "
            "Prime Minister Mohammed Shia al-Sudani, speaking in Baghdad, said his government wanted a new phase.")
    _, _, claims, _ = _run(text)
    quotes = {(q.kind, q.speaker_id, q.text) for q in claims.quotes}
    assert ("direct", "person:fuad-hussein", "We now talk about trade as much as security.") in quotes  # runs on
    assert ("reported", "person:alina-romanowski", "the US commitment to Iraq's sovereignty") in quotes
    assert ("reported", "person:alina-romanowski", "the embassy will expand its trade section") in quotes
    assert ("reported", "person:mohammed-shia-al-sudani", "his government wanted a new phase") in quotes
    assert not any(q.text.startswith("the visit went well") for q in claims.quotes)  # officials are not a person


def test_bodies_no_gazetteer_lists_are_organisations_of_their_country():
    text = ("ANKARA — Iraq's Oil Ministry and the Trade Bank of Iraq signed with the Higher Coordinating Committee. "
            "The Foreign Ministry said the United Nations Security Council had been told. The US Embassy agreed.")
    _, entities, _, _ = _run(text)
    bodies = {m.surface: (m.entity_id, entities.entities[m.entity_id].country_code) for m in entities.mentions if m.method == "body"}
    assert bodies == {
        "Oil Ministry": ("org:irq-oil-ministry", "IRQ"),
        "Trade Bank of Iraq": ("org:irq-trade-bank-of-iraq", "IRQ"),
        "Higher Coordinating Committee": ("org:higher-coordinating-committee", None),
        "Foreign Ministry": ("org:tur-foreign-ministry", "TUR"),  # a ministry without a country: the dateline's
        "US Embassy": ("org:usa-embassy", "USA"),
    }  # and not "Nations Security Council", the tail of a longer name


def test_offices_named_with_their_body_and_a_possessive_qualifier():
    text = ("BAGHDAD — Foreign Ministry spokesman Omar Saleh said the talks would go on. "
            "Layla Kareem, the speaker of Iraq's Council of Representatives, welcomed them. "
            "Pentagon press secretary Tom Gray declined to comment.")
    _, entities, _, _ = _run(text)
    roles = {(r.person_id, r.title, r.country_code) for r in entities.roles}
    # whose Foreign Ministry the text does not say: the dateline (BAGHDAD) is no evidence
    assert ("person:omar-saleh", "Foreign Ministry Spokesperson", None) in roles
    assert ("person:layla-kareem", "Speaker of Iraq's Council of Representatives", "IRQ") in roles
    assert ("person:tom-gray", "Pentagon Press Secretary", "USA") in roles


def test_told_reporters_that_and_the_iraqi_leader():
    text = ("WASHINGTON — US Secretary of Defense Lloyd J. Austin III met Iraqi Prime Minister Mohammed Shia al-Sudani. "
            "Austin told lawmakers on Tuesday that troops would stay. Austin said in Baghdad the mission was over. "
            "The Iraqi leader described the relationship as “strategic and lasting.”")
    _, _, claims, _ = _run(text)
    quotes = {(q.kind, q.speaker_id, q.text) for q in claims.quotes}
    assert ("reported", "person:lloyd-j-austin-iii", "troops would stay") in quotes
    assert ("reported", "person:lloyd-j-austin-iii", "the mission was over") in quotes
    assert ("partial", "person:mohammed-shia-al-sudani", "strategic and lasting.") in quotes


def test_quantities_carry_the_time_scope_the_text_states():
    text = ("Oil exports through the northern pipeline rose 12 percent in the first quarter of 2022. "
            "Border crossings fell to about 4,000 travellers over the past year, down from 7,500 three years ago. "
            "Since mid-March, drones have hit the refinery at least nine times. "
            "The ministry pays $300 million a year in salaries to the guards, officials said. "
            "More than 60 villages remain without power.")
    _, _, claims, _ = _run(text)
    scopes = {q.surface: q.time_scope for q in claims.quantities}
    assert scopes["12 percent"] == "in the first quarter of 2022"
    assert scopes["at least nine times"] == "Since mid-March"
    assert scopes["about 4,000 travellers"] == "over the past year"
    assert scopes["7,500"] == "three years ago"
    assert scopes["$300 million"] == "a year"
    assert scopes["More than 60 villages"] is None
    # The attack count keeps what it measures, and gains its period.
    _, _, claims, _ = _run()
    decrease = next(q for q in claims.quantities if q.unit == "percent")
    assert (decrease.measures, decrease.time_scope) == ("Attacks by ISIS", "last year")


def test_a_surname_that_speaks_resolves_to_the_titled_person_not_to_the_title():
    text = ("ANKARA — Turkish Prime Minister Ahmet Davutoglu answered in a letter on Sunday. "
            "Davutoglu wrote that Ankara respected Iraq's borders.")
    _, entities, claims, _ = _run(text)
    assert {m.entity_id for m in entities.mentions if m.entity_id.startswith("person:")} == {"person:ahmet-davutoglu"}
    assert [q.speaker_id for q in claims.quotes] == ["person:ahmet-davutoglu"]


def test_tolls_count_people_whoever_they_were_and_half_a_million_is_a_number():
    def quantities(text):
        return [(q.value, q.unit, q.bound) for q in find_quantities(text, SentenceIndex(sentence_spans(text)))]

    assert quantities("Three Iraqi soldiers and two police officers were killed, Iraq said.") == [(3, "people", "exact"), (2, "people", "exact")]
    assert quantities("The war has killed more than half a million people.") == [(500_000, "people", "more_than")]
    assert quantities("About 2,500 US troops remain in Iraq.") == [(2_500, "troops", "about")]  # not a toll


def test_a_deadline_looks_ahead_and_a_past_verb_looks_back():
    published = date(2019, 10, 17)  # a Thursday
    text = ("ANKARA — Turkey was given until Friday to halt the offensive. Washington said it would lift the sanctions "
            "it imposed on Monday once the pause held.")
    events = {e.date_text: e.event_date for e in _run(text, published)[2].events}
    assert events == {"Friday": date(2019, 10, 18), "on Monday": date(2019, 10, 14)}


def _quantities(text):
    return [(q.value, q.unit, q.bound) for q in find_quantities(text, SentenceIndex(sentence_spans(text)))]


def test_any_counted_noun_is_a_unit_and_a_toll_still_counts_people():
    assert _quantities("The train carried roughly 450 passengers.") == [(450, "passengers", "about")]
    assert _quantities("Officials closed 12 media outlets.") == [(12, "outlets", "exact")]
    assert _quantities("It ran 11,654 intelligence-based operations.") == [(11_654, "operations", "exact")]
    # a known unit after a noun of its own belongs to the next clause; a toll counts people whatever the noun
    assert _quantities("The army rescued 190 passengers and killed 30 gunmen.") == [(190, "passengers", "exact"), (30, "people", "exact")]
    assert _quantities("At least 21 passengers died in the attack.") == [(21, "people", "at_least")]
    assert _quantities("It reported injuries to eight security personnel.") == [(8, "people", "exact")]
    # words in -s that count nothing, and a capitalised number word inside a name
    assert _quantities("The two sides met in various places.") == []
    assert _quantities("Ministers of the Group of Seven leading democracies met.") == []


def test_outer_bound_wins_and_beyond_is_more_than():
    assert _quantities("Violators can be fined up to about $47,000.") == [(47_000, "USD", "up_to")]
    assert _quantities("The operation continued beyond 24 hours.") == [(24, "hours", "more_than")]
    assert _quantities("Deaths surged from 88 in 2023 to 388 in 2024.") == [(88, "people", "exact"), (388, "people", "exact")]


def test_other_and_such_counts_partitives_and_word_ranges():
    assert _quantities("Four other aid convoys were stopped.") == [(4, "convoys", "exact")]
    assert _quantities("Nearly 9,000 such raids were carried out.") == [(9_000, "airstrikes", "about")]
    assert _quantities("The court upheld five of the 11 appeals.") == [(5, "appeals", "exact"), (11, "appeals", "exact")]
    assert _quantities("The ban would last two to four years.") == [(2, "years", "at_least"), (4, "years", "up_to")]
    assert _quantities("The plan is spread over two to four years.") == []  # a period, as "over four years" is


def test_a_toll_reaches_past_a_list_or_an_appositive():
    assert _quantities("Forty villagers, including 12 guards, lost their lives.") == [(40, "people", "exact"), (12, "people", "exact")]
    assert _quantities("He said 14 off-duty police officers, two drivers and nine miners were among those killed.") == [
        (14, "people", "exact"), (2, "people", "exact"), (9, "people", "exact")]
    assert _quantities("Nine guests, including three tribal chiefs, were killed.") == [(9, "people", "exact"), (3, "people", "exact")]
    assert _quantities("Officials said 41 others were wounded.") == [(41, "people", "exact")]  # "others" in a sentence of its own
    # a comma then an active verb is another act: the freed are not a toll
    assert _quantities("The army freed 90 hostages, killed 12 gunmen and left.") == [(90, "hostages", "exact"), (12, "people", "exact")]


def test_names_quoted_words_and_people_named_by_their_country():
    assert _quantities("The charter defends the “three pillars” of the union.") == []
    assert _quantities('He said he was "100%" sure.') == []
    assert _quantities("The floods displaced close to a million Mozambicans.") == [(1_000_000, "people", "about")]
    assert _quantities("It's one person who decides.") == []
    assert _quantities("The blast killed one soldier.") == [(1, "people", "exact")]
    assert _quantities("Storms hit four southern Indian states and 12 member states.") == [(4, "states", "exact"), (12, "countries", "exact")]


def test_vote_tallies_tallies_of_and_bounded_lengths():
    assert _quantities("The Senate voted 51-49 to confirm her.") == [(51, "votes", "exact"), (49, "votes", "exact")]
    assert _quantities("Officials raised the number of trucks at the crossing to 210 from 180.") == [
        (210, "trucks", "exact"), (180, "trucks", "exact")]
    assert _quantities("The talks lasted less than a day.") == [(1, "days", "less_than")]
    assert _quantities("He has not visited for over a year.") == [(1, "years", "more_than")]
    assert _quantities("They held more than six hours of talks.") == [(6, "hours", "more_than")]
    assert _quantities("They held two days of talks a year ago.") == []  # an unbounded activity's length, an offset
    assert _quantities("The court sentenced him to one year in prison.") == [(1, "years", "exact")]
    assert _quantities("The rebels must leave within 72 hours.") == [(72, "hours", "exact")]
    assert _quantities("Shares fell by more than a percentage point.") == [(1, "percentage_points", "more_than")]


def test_compound_and_spoken_numbers_and_boilerplate():
    assert _quantities("The 1.4 million-square-kilometer basin is shared.") == [(1_400_000, "km2", "exact")]
    assert _quantities("Exports fell by one-third.") == [(33, "percent", "exact")]
    assert _quantities("The zone runs roughly 20 miles (32 km) deep.") == [(20, "miles", "about"), (32, "km", "about")]
    assert _quantities("Four-point-five million people need food.") == [(4_500_000, "people", "exact")]
    assert _quantities("Officials said 30 people died.\n\nRelated: 12 killed in market blast\n\n© 2024 News Service") == [
        (30, "people", "exact")]


def _dates(text, published):
    from bilat.extract.dates import find_dated_events

    return [(e.date_text, e.event_date and e.event_date.isoformat(), e.precision)
            for e in find_dated_events(text, SentenceIndex(sentence_spans(text)), published)]


def test_dates_know_their_tense():
    july = date(2021, 7, 14)  # a Wednesday
    assert _dates("China will convene a meeting with Iran and Russia on Friday.", july) == [("on Friday", "2021-07-16", "day")]
    assert _dates("Rubio will join the talks. On Tuesday, Rubio will join them in Jeddah.", july) == [("On Tuesday", "2021-07-20", "day")]
    assert _dates("The vote was pushed from July 5 to Friday.", july) == [("July 5", "2021-07-05", "day"), ("Friday", "2021-07-16", "day")]
    assert _dates("He does not want to meet before the election in February.", july) == [("in February", "2022-02-01", "month")]
    assert _dates("The deal must be signed by the end of August.", july)[-1][1:] == ("2021-08-01", "month")
    # a future seen from the past takes the nearest occurrence; a past clause with a deadline stays in the past
    assert _dates("Officials said the ship would depart in early June.", july) == [("in early June", "2021-06-01", "month")]
    assert _dates("The ship remained at the port until July 3.", july) == [("July 3", "2021-07-03", "day")]
    assert _dates("Sullivan spoke by phone Sunday with his counterpart.", july) == [("Sunday", "2021-07-11", "day")]


def test_dates_keep_their_words_as_written():
    march = date(2025, 3, 14)
    assert _dates("In April, the military removed him.", march) == [("In April", "2024-04-01", "month")]
    assert _dates("Protests began late last year.", march) == [("late last year", "2024-01-01", "year")]
    assert _dates("The tariffs took effect Wednesday morning.", march) == [("Wednesday morning", "2025-03-12", "day")]
    assert _dates("They were sanctioned again in January of this year.", march) == [("in January of this year", "2025-01-01", "month")]


def test_a_range_is_one_date_at_its_first_day_or_year():
    march = date(2025, 3, 14)
    assert _dates("The summit was held on July 22-23, 2024 in Paris.", march) == [("on July 22", "2024-07-22", "day")]
    assert _dates("We saw what happened between 2014 and 2021 in Donbas.", march) == [("2014", "2014-01-01", "year")]
    assert _dates("Her book covers events from 2001 to 2019.", march) == [("2001", "2001-01-01", "year")]
    assert _dates("Deaths rose from 88 in 2023 to 388 in 2024.", march) == [("in 2023", "2023-01-01", "year"), ("in 2024", "2024-01-01", "year")]
    assert _dates("Talks were held July 22 to 24, 2024 in Doha.", march) == [("July 22", "2024-07-22", "day")]
    assert _dates("The drills ran from Feb. 3 to Feb. 7.", march) == [("Feb. 3", "2025-02-03", "day")]
    assert _dates("On Feb. 3 and 10 people were killed.", march) == [("On Feb. 3", "2025-02-03", "day")]  # no range
    assert _dates("The talks ran March-April 2023.", march) == [("March", "2023-03-01", "month")]
    assert _dates("Fighting raged from December to February 2024.", march) == [("December", "2023-12-01", "month")]
    assert _dates("Polls were held in January and February.", march) == [("in January", "2025-01-01", "month"), ("February", "2025-02-01", "month")]


def test_a_week_is_its_monday_with_precision_week():
    friday = date(2025, 3, 14)  # the week of Monday 10 March
    assert _dates("Trump last week issued a string of tariff decisions.", friday) == [("last week", "2025-03-03", "week")]
    assert _dates("Lai's son was in Washington this week.", friday) == [("this week", "2025-03-10", "week")]
    assert _dates("Rubio told VOA earlier this week that talks would go on.", friday) == [("earlier this week", "2025-03-10", "week")]
    assert _dates("The envoys will meet next week.", date(2024, 12, 30)) == [("next week", "2025-01-06", "week")]  # a week across years


def test_on_a_sunday_last_week_is_the_week_just_ended():
    sunday = date(2025, 3, 9)
    assert _dates("The envoy resigned last week.", sunday) == [("last week", "2025-03-03", "week")]
    assert _dates("He delayed the tariffs by week's end.", sunday) == [("week's end", "2025-03-03", "week")]
    assert _dates("The envoy resigned last week.", date(2025, 3, 8)) == [("last week", "2025-02-24", "week")]  # a Saturday


def test_weekends_periods_counted_back_and_edges_of_a_relative_year():
    friday = date(2025, 3, 14)
    assert _dates("The ministers will meet this weekend.", friday) == [("this weekend", "2025-03-15", "day")]
    assert _dates("Rebels shelled the town over the weekend.", date(2025, 3, 11)) == [("the weekend", "2025-03-08", "day")]
    assert _dates("Lawyers filed 30 cases in the last two weeks.", friday) == [("last two weeks", "2025-02-24", "week")]
    assert _dates("Prices rose sharply in the past month.", friday) == [("past month", "2025-02-01", "month")]
    assert _dates("She led the agency for the past two years.", friday) == []  # how long, not when
    assert _dates("Attacks have risen since the beginning of the year.", friday) == [("beginning of the year", "2025-01-01", "month")]
    assert _dates("Troops will leave by the end of next year.", friday) == [("end of next year", "2026-12-01", "month")]


def test_a_month_before_its_noun_is_a_date_a_name_before_a_year_is_not():
    june = date(2024, 6, 30)
    assert _dates("A deadly January attack killed three soldiers.", june) == [("January", "2024-01-01", "month")]
    assert _dates("The probe concerns the country's February elections.", june) == [("February", "2024-02-01", "month")]
    assert _dates("He recalled the December revolution.", date(2019, 11, 29)) == [("December", "2018-12-01", "month")]
    assert _dates("Theresa May's government fell. The March to the sea began.", june) == []
    assert _dates("The Global Peace Index 2024 ranked it last.", june) == []
    assert _dates("The Iran 2015 deal collapsed.", june) == [("2015", "2015-01-01", "year")]


def test_references_without_a_count_and_to_the_sentence_before():
    may = date(2021, 5, 10)
    assert _dates("Altun tweeted on Monday. His comments came two days after Erdogan spoke.", may) == [
        ("on Monday", "2021-05-10", "day"), ("two days after", "2021-05-08", "day")]
    assert _dates("Altun tweeted on Monday. Two days after the vote, protests began.", may) == [("on Monday", "2021-05-10", "day")]
    assert _dates("Rebels attacked last month. Days later, a bomb killed 11 miners.", may) == [
        ("last month", "2021-04-01", "month"), ("Days later", "2021-04-01", "month")]
    assert _dates("Rebels attacked on Monday. Days later, a bomb exploded.", may) == [("on Monday", "2021-05-10", "day")]
    assert _dates("Deaths rose by half in 2020 from the year before.", may) == [("in 2020", "2020-01-01", "year"), ("the year before", "2019-01-01", "year")]
    assert _dates("The ship left on Monday, a month later than planned.", may) == [("on Monday", "2021-05-10", "day")]


def test_a_speakers_today_is_not_the_publication_day():
    may = date(2021, 5, 10)
    assert _dates("“We will not give in today,” the minister said.", may) == []
    assert _dates("The minister resigned today.", may) == [("today", "2021-05-10", "day")]


def test_a_timetable_in_the_present_and_a_passive_future_look_ahead():
    wednesday = date(2025, 6, 18)
    assert _dates("The court rules Friday on the appeal.", wednesday) == [("Friday", "2025-06-20", "day")]
    assert _dates("Polls open on Sunday.", wednesday) == [("on Sunday", "2025-06-22", "day")]
    assert _dates("The new law takes effect in January.", wednesday) == [("in January", "2026-01-01", "month")]
    assert _dates("The law took effect in January.", wednesday) == [("in January", "2025-01-01", "month")]
    assert _dates("The visits Monday were tense.", wednesday) == [("Monday", "2025-06-16", "day")]
    assert _dates("Talks will be held on Sept. 3.", wednesday) == [("on Sept. 3", "2025-09-03", "day")]
    assert _dates("A vote is expected Thursday.", wednesday) == [("Thursday", "2025-06-19", "day")]


def test_ago_counts_back_from_the_publication_date():
    december = date(2019, 12, 23)
    assert _dates("A year ago, the two sides met. Talks began 10 years ago.", december) == [
        ("A year ago", "2018-01-01", "year"), ("10 years ago", "2009-01-01", "year")]


def _quotes(text):
    _, _, claims, _ = _run(text)
    return [(q.kind, q.speaker_id, q.text) for q in claims.quotes if q.kind != "reported"]


def test_straight_curly_and_mixed_quotation_marks_pair_up():
    text = ("BAGHDAD — Iraqi Foreign Minister Fuad Hussein met reporters. \"We are aware of the situation,” Hussein said. "
            "“We will respond,\" he added. \"Our borders are closed.\"")
    assert _quotes(text) == [
        ("direct", "person:fuad-hussein", "We are aware of the situation,"),
        ("direct", "person:fuad-hussein", "We will respond,"),
        ("direct", "person:fuad-hussein", "Our borders are closed."),
    ]


def test_a_speaker_who_is_no_known_person_is_not_the_nearest_name():
    text = ("ANKARA — Turkish President Recep Tayyip Erdogan spoke with Iraqi President Abdul Latif Rashid. "
            "“The calls were tense,” a senior Iraqi official said. The Foreign Ministry said, “Talks will go on.”")
    assert [speaker for _, speaker, _ in _quotes(text)] == [None, None]


def test_attribution_after_with_an_appositive_and_before_with_a_possessor():
    text = ("BAGHDAD — “The border is secure,” said Qassim al-Araji, the national security adviser. "
            "Turkish President Recep Tayyip Erdogan's communication chief, Fahrettin Altun, on Monday tweeted, “We trust Baghdad.” "
            "Iraqi Prime Minister Mustafa al-Kadhimi thanked Erdogan for his visit and said, “We look forward to more.”")
    speakers = [speaker for _, speaker, _ in _quotes(text)]
    assert speakers[:2] == ["person:qasim-al-araji", "person:fahrettin-altun"]
    assert speakers[2] == "person:mustafa-al-kadhimi"  # not Erdogan, whom he thanked


def test_an_unattributed_quote_continues_the_reported_speaker_before_it():
    text = ("ISLAMABAD — Pakistan's envoy to the United Nations, Munir Akram, said Kabul was failing to act. "
            "“The Kabul authorities have failed to address the threat.” Officials in Kabul did not respond.")
    assert _quotes(text) == [("direct", "person:munir-akram", "The Kabul authorities have failed to address the threat.")]


def test_a_definite_description_speaks_for_the_person_named_before():
    text = ("WASHINGTON — Secretary of State Marco Rubio spoke aboard his plane. “It diverts attention,” Rubio told VOA. "
            "“We could spend more time on the Indo-Pacific,” the top U.S. diplomat noted.")
    assert [speaker for _, speaker, _ in _quotes(text)] == ["person:marco-rubio", "person:marco-rubio"]


def test_an_appositive_office_runs_to_where_the_appositive_ends():
    text = ("Maria Lopez, director of the National Water Resources Council, said the dams were full. "
            "Tom Berg, professor of economic history at Lund University, disagreed. "
            "Omar Dahir, the deputy minister for Information and Culture, spoke next. "
            "Col. Amir Raza, head of the army's press wing, Defence Public Affairs, said the road was open. "
            "Jane Roe, the deputy special representative for Sudan at the State Department, left.")
    _, entities, _, _ = _run(text)
    roles = {(r.person_id, r.title, r.country_code) for r in entities.roles}
    assert ("person:maria-lopez", "Head of the National Water Resources Council", None) in roles
    assert ("person:tom-berg", "Professor of economic history", None) in roles
    assert ("person:omar-dahir", "Deputy Minister for Information and Culture", None) in roles
    # a body named after a descriptor of it is the body
    assert ("person:amir-raza", "Head of Defence Public Affairs", None) in roles
    # a special representative for Sudan is not Sudan's: the department the post is held at says whose
    assert ("person:jane-roe", "Deputy Special Representative for Sudan", "USA") in roles
    assert not any(pid in {"person:council", "person:affairs"} for pid, _, _ in roles)  # no body is a person


def test_counterparts_possessors_nominees_and_repeated_offices():
    text = ("Swedish Foreign Minister Ulla Berg spoke by phone with Finnish counterpart Aino Virtanen on Monday. "
            "Canadian Prime Minister Paul Roy spoke. Roy's special envoy, Anne Cote, flew to Lima and met Peruvian leaders. "
            "Parliament confirmed Deputy Premier nominee Lars Holm. Finance Minister Holm then left. "
            "Former Danish ambassador to Chile, Erik Lund, spoke first. Later, ambassador Lund said little.")
    _, entities, _, _ = _run(text)
    roles = {(r.person_id, r.title, r.country_code) for r in entities.roles}
    # a counterpart no title introduced is still a person, holding the office of the one they are matched with
    assert ("person:aino-virtanen", "Foreign Minister", "FIN") in roles
    # the envoy of a state's prime minister serves that state, not the country the envoy went to
    assert ("person:anne-cote", "Special Envoy", "CAN") in roles
    # a nominee holds no office yet but is a person, whom the surname later names
    assert [(t, c) for pid, t, c in roles if pid == "person:lars-holm"] == [("Finance Minister", None)]
    # a bare repetition of an office named in full is not another office
    assert [t for pid, t, _ in roles if pid == "person:erik-lund"] == ["Former Ambassador to Chile"]


def test_an_office_takes_a_country_named_before_it_or_a_capital_not_where_its_holder_went():
    text = ("Speaking at a think tank in Oslo, Defense Minister Kari Dahl said the talks had stalled. "
            "Army spokesperson Nils Eide claimed the raiders had come from Sweden. "
            "Lena Moe, commander of the Danish-led Northern Shield Force, agreed.")
    _, entities, _, _ = _run(text)
    roles = {(r.person_id, r.title, r.country_code) for r in entities.roles}
    assert ("person:kari-dahl", "Defense Minister", "NOR") in roles  # a capital names its state
    assert [c for pid, _, c in roles if pid == "person:nils-eide"] == [None]  # "from Sweden" is where they came from
    # who leads a body with a name of its own is no part of the office
    assert any(pid == "person:lena-moe" and t == "Commander of the Northern Shield Force" for pid, t, _ in roles)


def test_an_office_a_copula_gives_a_person_already_named():
    text = ("“The vote was close,” Ruth Okafor said. Okafor is the former chair of the board of trustees and is now "
            "dean of law at the City College. Okafor was the first dean to resign.")
    _, entities, _, _ = _run(text)
    roles = {(r.person_id, r.title) for r in entities.roles}
    assert ("person:ruth-okafor", "Former Chairman of the board of trustees") in roles
    assert ("person:ruth-okafor", "Dean of law") in roles
    assert not any("resign" in t for _, t in roles)  # "the first dean to resign" is no office
