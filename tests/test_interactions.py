"""Interactions read from the sentence: who acts on whom, on short sentences written for these tests (rules only)."""

from datetime import date

from bilat.extract.pipeline import ArticleText, extract_claims, extract_entities, extract_interactions

PUBLISHED = date(2024, 6, 5)


def _coded(text: str) -> set[tuple[str, str, str]]:
    article = ArticleText.of(text, PUBLISHED)
    entities = extract_entities(article)
    claims = extract_claims(article, entities)
    return {(i.source_id, i.category, i.target_id) for i in extract_interactions(article, entities, claims.events, claims.quotes)
            if not i.hypothetical}


def test_an_appositive_participle_with_by_is_read_the_right_way_round():
    coded = _coded("The PKK, designated a terrorist group by Turkey, attacked a police station on Monday.")
    sanctions = {(s, t) for s, c, t in coded if c == "SANCTION"}
    assert sanctions and all(s == "TUR" and t != "TUR" for s, t in sanctions)


def test_a_main_verb_after_an_appositive_keeps_its_subject():
    coded = _coded("Iran's foreign minister, Mohammad Javad Zarif, accused the United States of lying on Monday.")
    assert ("IRN", "ACCUSE", "USA") in coded


def test_the_partner_after_with_is_the_head_not_its_possessor():
    coded = _coded("Egypt signed an agreement with Turkey's rival Greece on Monday.")
    assert any(c == "AGREE" and {s, t} == {"EGY", "GRC"} for s, c, t in coded)
    assert not any("TUR" in (s, t) for s, _, t in coded)


def test_a_place_named_after_a_state_is_not_the_state():
    coded = _coded("Nigeria and Ghana signed an agreement on Tuesday to patrol the Gulf of Guinea.")
    assert any(c == "AGREE" and {s, t} == {"NGA", "GHA"} for s, c, t in coded)
    assert not any("GIN" in (s, t) for s, _, t in coded)


def test_a_country_qualifying_a_militia_is_not_the_state_attacked():
    coded = _coded("Turkey launched an offensive against the Syrian Kurdish militia on Wednesday.")
    assert not any(t == "SYR" for _, _, t in coded)


def test_tariffs_on_a_states_goods_are_a_sanction_and_a_trade_war_is_no_cooperation():
    coded = _coded("The United States imposed new tariffs on Canadian steel on Tuesday.")
    assert ("USA", "SANCTION", "CAN") in coded
    coded = _coded("China escalated its trade war with Australia on Friday.")
    assert not any(c in {"COOPERATE", "ASSAULT"} for _, c, _ in coded)


def test_maritime_incidents_vows_and_summons():
    assert ("CHN", "COERCE", "PHL") in _coded("Chinese coast guard ships fired water cannon at a supply boat of the Philippines on Sunday.")
    assert ("IRN", "THREATEN", "ISR") in _coded("Iran vowed to retaliate against Israel after the strike.")
    assert ("PAK", "PROTEST", "AFG") in _coded("Pakistan summoned the Afghan ambassador on Thursday.")


def test_a_hyphenated_pair_names_both_sides_of_talks():
    coded = _coded("Kenya-Somalia talks resumed in Nairobi on Monday.")
    assert any(c == "CONSULT" and {s, t} == {"KEN", "SOM"} for s, c, t in coded)


def test_a_joint_subject_does_not_act_on_itself():
    coded = _coded("Pakistan and China held talks in Beijing. Both Pakistan and China rejected the claims on Monday.")
    assert not any(c == "REJECT" and {s, t} == {"PAK", "CHN"} for s, c, t in coded)


def test_the_expulsion_of_a_force_is_aimed_at_its_state():
    coded = _coded("Iraq demanded the expulsion of the U.S. military on Sunday. Iraq ordered the expulsion of Turkish diplomats.")
    assert ("IRQ", "SANCTION", "TUR") in coded or ("IRQ", "COERCE", "TUR") in coded
    assert not any(s in {"USA", "TUR"} and t == "IRQ" for s, _, t in coded)


def test_an_actor_listed_after_a_prepositions_object_is_no_subject():
    coded = _coded("President Donald Trump imposed 25% tariffs on Canadian and Mexican exports on Monday, "
                   "then exempted the duties on cars.")
    assert {("USA", "SANCTION", "CAN"), ("USA", "SANCTION", "MEX")} <= coded
    assert not any(s in {"CAN", "MEX"} for s, _, _ in coded)


def test_group_nouns_refer_back_to_the_armed_group_named_last():
    coded = _coded("Pakistan said the Baloch Liberation Army attacked a train on Tuesday. The military killed 30 militants "
                   "on Wednesday. The separatist group accuses Pakistan of exploiting the province.")
    assert ("PAK", "ASSAULT", "org:bla") in coded
    assert ("org:bla", "ACCUSE", "PAK") in coded


def test_an_armed_groups_claim_or_demand_with_no_object_is_aimed_at_the_articles_state():
    coded = _coded("Gunmen stormed a hotel in Pakistan on Tuesday. The Baloch Liberation Army claimed responsibility for "
                   "the attack. The group demanded the release of prisoners.")
    assert ("org:bla", "ASSAULT", "PAK") in coded
    assert ("org:bla", "REQUEST", "PAK") in coded


def test_a_group_noun_that_belongs_to_a_name_or_a_body_that_is_no_armed_group_is_no_reference():
    coded = _coded("The Baloch Liberation Army attacked a convoy in Pakistan. Human Rights Watch said Pakistan detained "
                   "the group's critics, and the rights group urged Pakistan to free them.")
    assert not any(s == "org:bla" or t == "org:bla" for s, c, t in coded if c in {"REQUEST", "COERCE"})


def test_a_pronoun_right_after_a_saying_verb_is_the_sayer():
    coded = _coded("The al-Shabab militants stormed a hotel. Security forces in Somalia say they killed all six attackers.")
    assert ("SOM", "ASSAULT", "org:al-shabab") in coded


def test_we_in_a_quote_is_the_speaker_acting_for_their_state():
    coded = _coded("“We strongly reject the baseless charges made by Iran,” Secretary of State Marco Rubio "
                   "said on Wednesday. “Iran attacked our ships and we will not accept it,” he added.")
    assert ("USA", "REJECT", "IRN") in coded
    assert not any(c == "ASSAULT" for _, c, _ in coded)  # an act of a third party in a quote is only said


def _all(text: str):
    article = ArticleText.of(text, PUBLISHED)
    entities = extract_entities(article)
    claims = extract_claims(article, entities)
    return extract_interactions(article, entities, claims.events, claims.quotes)


def test_a_straight_mark_closing_a_curly_quote_does_not_hide_what_follows():
    coded = _coded('"We will not back down,” the minister said. Norway expelled two Russian diplomats on Monday. '
                   'Oslo said "it had no choice."')
    assert ("NOR", "PROTEST", "RUS") in coded or ("NOR", "SANCTION", "RUS") in coded


def test_both_countries_act_on_each_other():
    coded = _coded("Turkey and Israel were close partners for years. Both countries withdrew their ambassadors in 2018.")
    assert {("TUR", "RETREAT", "ISR"), ("ISR", "RETREAT", "TUR")} <= coded


def test_meetings_dated_differently_are_different_meetings():
    found = _all("Chile's president met Argentina's president in Santiago on March 3, 2023. "
                 "The two leaders met again in Buenos Aires on June 9, 2024.")
    meetings = [i for i in found if i.category == "CONSULT" and {i.source_id, i.target_id} == {"CHL", "ARG"}]
    assert len(meetings) == 2


def test_an_act_that_was_only_supposed_to_happen_is_hypothetical():
    coded = _coded("Peru and Bolivia were supposed to sign a border agreement on Monday.")
    assert not any(c == "AGREE" for _, c, _ in coded)


def test_a_nominal_cue_takes_its_target_from_its_own_phrase():
    coded = _coded("Analysts discussed U.S. support for the island, China's aggression in the region and its ties with Russia.")
    assert not any(t == "RUS" for _, _, t in coded) and not any(t == "CHN" and c == "SUPPORT" for _, c, t in coded)
    coded = _coded("Lawmakers are angry about a Turkish offensive against the Kurdish militia, the YPG, in Syria.")
    assert any(s == "TUR" and c == "ASSAULT" and t != "TUR" for s, c, t in coded)


def test_what_someone_is_accused_of_is_not_an_act():
    coded = _coded("Pakistani officials blamed India, accusing it of providing support to militants in Afghanistan.")
    assert ("PAK", "ACCUSE", "IND") in coded
    assert not any(c == "SUPPORT" for _, c, _ in coded)


def test_the_diplomats_of_a_body_act_for_it():
    coded = _coded("Top diplomats from the Group of Seven urged Russia on Friday to accept a ceasefire.")
    assert any(c == "REQUEST" and t == "RUS" and s != "RUS" for s, c, t in coded)


def test_rejecting_another_sides_offer_is_aimed_at_that_side():
    coded = _coded("Canada renewed its pressure on Venezuela, as Caracas rejected its offer for new talks.")
    assert ("VEN", "REJECT", "CAN") in coded


def test_a_quoted_noun_phrase_is_read_with_the_sentence():
    coded = _coded("The statement said Japan affirmed its “unwavering support for Ukraine and its people.”")
    assert ("JPN", "SUPPORT", "UKR") in coded


def test_a_raid_by_forces_is_an_assault():
    coded = _coded("Israeli commandos stormed a Turkish ship in 2010.")
    assert ("ISR", "ASSAULT", "TUR") in coded


def test_a_progressive_is_no_passive():
    assert ("CHL", "REQUEST", "PER") in _coded("Chile is calling on Peru to release the fishermen.")
    assert ("SOM", "SANCTION", "KEN") in _coded("In December, Somalia announced it was cutting ties with Kenya.")


def test_an_active_verb_cue_ending_in_a_space_is_no_passive():
    assert ("CHL", "REQUEST", "PER") in _coded("Chile is pressuring Peru to release the fishermen.")


def test_a_states_body_and_its_short_name_act_for_the_state():
    coded = _coded("Somalia's National Intelligence and Security Agency, or NISA, said on Monday that it had arrested "
                   "two al-Shabab commanders. NISA said the army killed al-Shabab fighters in Hiran.")
    assert not any(s.startswith("org:") and s != "org:al-shabab" for s, _, _ in coded)


def test_a_state_that_designated_a_group_sanctions_it_and_does_not_act_for_it():
    coded = _coded("Hezbollah, a U.S.-designated terrorist group, fired rockets at Israel on Monday.")
    assert ("USA", "SANCTION", "org:hezbollah") in coded
    assert ("org:hezbollah", "ASSAULT", "ISR") in coded
    assert not any(s == "USA" and c == "ASSAULT" for s, c, _ in coded)


def test_an_office_of_an_international_body_acts_for_the_body():
    coded = _coded("United Nations-appointed special rapporteur Richard Bennett urged the Taliban on Monday to lift the ban.")
    assert any(s == "org:united-nations" and c == "REQUEST" and t == "org:taliban" for s, c, t in coded)


def test_hong_kong_authorities_act_for_china():
    coded = _coded("Hong Kong authorities rejected British criticism of the trial on Monday.")
    assert ("CHN", "REJECT", "GBR") in coded and not any("HKG" in (s, t) for s, _, t in coded)


def test_goods_made_in_a_state_stand_for_it_as_a_target_only():
    coded = _coded("Chile exempted the duties on Peruvian- and Bolivian-made vehicles on Monday.")
    assert {("CHL", "CONCEDE", "PER"), ("CHL", "CONCEDE", "BOL")} <= coded
    coded = _coded("Turkish-made drones struck the town on Monday.")
    assert not any(s == "TUR" for s, _, _ in coded)


def test_a_measure_put_off_is_aimed_at_the_targets_of_the_measure():
    coded = _coded("Chile at first imposed 25% tariffs on Peruvian and Bolivian exports, then exempted wine "
                   "and later delayed the tariffs on almost all items for four weeks.")
    assert {("CHL", "SANCTION", "PER"), ("CHL", "SANCTION", "BOL"), ("CHL", "CONCEDE", "PER"), ("CHL", "CONCEDE", "BOL")} <= coded
