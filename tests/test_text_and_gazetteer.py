from pathlib import Path

from bilat.extract.gazetteer import default_gazetteer, load_gazetteer
from bilat.extract.text import sentence_spans, tokenize
from bilat.settings import data_file


def _ids(text: str, gaz=None) -> list[str]:
    gaz = gaz or default_gazetteer()
    return [entity_id for _, _, entity_id in gaz.match(tokenize(text))]


def test_sentences_do_not_end_at_abbreviations_or_initials():
    text = "Army Maj. Gen. Jane Roe met Lloyd J. Austin III in the U.S. capital on Dec. 9. Then she left.\nNew paragraph"
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == [
        "Army Maj. Gen. Jane Roe met Lloyd J. Austin III in the U.S. capital on Dec. 9.",
        "Then she left.",
        "New paragraph",
    ]


def test_country_forms_resolve_to_alpha3_including_compounds():
    assert _ids("US troops, U.S. aid, the United States, American jets") == ["USA"] * 4
    assert _ids("Iraq, Iraqi forces, Iraqis") == ["IRQ"] * 3
    assert _ids("the US-Iraq dialogue") == ["USA", "IRQ"]
    assert _ids("Iraq’s parliament") == ["IRQ"]


def test_armed_group_aliases_resolve_to_one_entity():
    assert set(_ids("ISIS, ISIL, Daesh, the Islamic State group and Islamic State")) == {"org:islamic-state"}
    assert _ids("talks at the Pentagon") == ["org:us-department-of-defense"]
    assert _ids("CJTF-OIR, also Combined Joint Task Force – Operation Inherent Resolve") == ["org:cjtf-oir", "org:cjtf-oir"]


def test_spelling_variants_of_a_person_resolve_to_one_id():
    assert set(_ids("Thabit al-Abbasi; Thabit al-Abassi; Thabit Muhammad al-Abassi")) == {"person:thabit-muhammad-al-abbasi"}


def test_gazetteer_is_extended_by_data_files_without_code(tmp_path: Path):
    folder = tmp_path / "gazetteer"
    folder.mkdir()
    for source in data_file("gazetteer").glob("*.yaml"):
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert _ids("the Zagros Brigade attacked") == []
    with (folder / "organizations.yaml").open("a", encoding="utf-8") as handle:
        handle.write("- {id: org:zagros-brigade, name: Zagros Brigade, kind: armed_group, aliases: [Zagros Brigade]}\n")
    extended = load_gazetteer(folder)
    assert _ids("the Zagros Brigade attacked", extended) == ["org:zagros-brigade"]
    assert extended.version != default_gazetteer().version
