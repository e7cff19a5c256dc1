"""The printouts' pure parts: conversation starters (tiny cases with known answers and a
property test), sector marks that read without colour, the words in three languages, and QR
codes whose module matrix holds the link (checked against an independent decoder too)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.printing.starters import ConversationStarters, StarterPerson, shared_themes
from api.printing.texts import LETTERS, SHAPES, sector_legend, sector_mark, words
from matcher.taxonomy import LANGUAGES, SECTORS, THEMES


def test_a_theme_counts_only_when_two_organisations_share_it() -> None:
    people = [
        StarterPerson("A", "1", themes=("impact", "home_care")),
        StarterPerson("B", "1", themes=("impact",)),  # A's colleague
        StarterPerson("C", "2", themes=("home_care", "digital_services")),
        StarterPerson("D", "3", themes=("home_care", "digital_services")),
    ]
    assert shared_themes(people, [0, 1]) == []
    assert shared_themes(people, [0, 1, 2, 3]) == ["home_care", "digital_services"]  # 3 orgs, then 2


def test_the_starter_quotes_a_need_another_organisation_offers() -> None:
    people = [
        StarterPerson("Maija", "1", needs=("hoitajien rekrytointi",), offers=("ruokapalvelut",)),
        StarterPerson("Pekka", "2", offers=("rekrytointipalvelut hoitajille", "siivous")),
        StarterPerson("Liisa", "1", offers=("hoitajien rekrytointi",)),  # Maija's colleague: same words
    ]
    writer = ConversationStarters(lang="fi").fit(people)
    assert writer.need_offer([0, 1, 2]) == (0, "hoitajien rekrytointi", 1, "rekrytointipalvelut hoitajille")
    assert writer.need_offer([0, 2]) is None, "colleagues are never the match"
    (line,) = writer.for_table([0, 1])
    assert line.startswith("Maija etsii: ”hoitajien rekrytointi” – Pekka tarjoaa: ”rekrytointipalvelut")


def test_without_anything_shared_the_card_asks_a_general_question() -> None:
    people = [
        StarterPerson("A", "1", needs=("kuntoutus",)),
        StarterPerson("B", "2", offers=("tilintarkastus",)),
    ]
    for lang, start in (("fi", "Kertokaa"), ("sv", "Berätta"), ("en", "Take turns")):
        (line,) = ConversationStarters(lang=lang).fit(people).for_table([0, 1])
        assert line.startswith(start)


def test_starters_speak_the_chosen_language() -> None:
    people = [
        StarterPerson("A", "1", themes=("digital_services",)),
        StarterPerson("B", "2", themes=("digital_services",)),
    ]
    assert (
        ConversationStarters(lang="sv")
        .fit(people)
        .for_table([0, 1])[0]
        .startswith("Gemensamt tema: digitala tjänster.")
    )
    with pytest.raises(ValueError, match="lang: 'de'"):
        ConversationStarters(lang="de").fit(people)


_people = st.lists(
    st.builds(
        StarterPerson,
        name=st.sampled_from(["Aino", "Ville", "Åsa", "Öhman"]),
        organisation=st.sampled_from(["1", "2", "3"]),
        themes=st.lists(st.sampled_from(list(THEMES)[:4]), max_size=2, unique=True).map(tuple),
        needs=st.lists(st.sampled_from(["kotihoito", "rekrytointi", "kuntoutuksen tuki"]), max_size=2).map(
            tuple
        ),
        offers=st.lists(st.sampled_from(["kotihoidon palvelut", "rekrytointiapu", "ruoka"]), max_size=2).map(
            tuple
        ),
    ),
    min_size=2,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(_people)
def test_a_starter_only_pairs_two_organisations_at_the_table(people: list[StarterPerson]) -> None:
    writer = ConversationStarters(lang="en", min_similarity=0.2).fit(people)
    members = list(range(len(people)))
    found = writer.need_offer(members)
    if found is not None:
        i, need, j, offer = found
        assert people[i].organisation != people[j].organisation
        assert need in people[i].needs and offer in people[j].offers
    for code in shared_themes(people, members):
        assert len({p.organisation for p in people if code in p.themes}) >= 2
    lines = writer.for_table(members)
    assert 1 <= len(lines) <= 2 and all(lines)


def test_sector_marks_differ_by_shape_and_letter_in_every_language() -> None:
    assert set(SHAPES) == set(SECTORS) and len(set(SHAPES.values())) == len(SECTORS)
    for lang in LANGUAGES:
        assert len(set(LETTERS[lang].values())) == len(SECTORS), lang
        marks = [mark for mark, _ in sector_legend(lang)]
        assert len(set(marks)) == len(SECTORS)
    assert sector_mark("public", "fi") == "● J" and sector_mark("public", "sv") == "● O"
    with pytest.raises(ValueError, match="sector: 'nonprofit'"):
        sector_mark("nonprofit", "fi")


def test_every_language_has_every_word() -> None:
    keys = set(words("fi"))
    for lang in LANGUAGES:
        assert set(words(lang)) == keys and all(words(lang).values())
    with pytest.raises(ValueError, match="lang: 'de'"):
        words("de")


def test_the_qr_code_holds_the_link() -> None:
    """The matrix segno draws is the one it encoded, and an independent decoder (zxing-cpp,
    on the matrix drawn as an image) reads the link back."""
    import zxingcpp
    from PIL import Image

    from api.printing.qr import make_qr, qr_matrix, qr_svg

    url = "https://kohtaamo.example/p/eyJwIjoxMiwiZSI6M30.aZ9-äö"
    matrix = qr_matrix(url)
    assert len(matrix) == len(matrix[0]) == make_qr(url).symbol_size(border=0)[0]
    scale, border = 6, 4
    side = (len(matrix) + 2 * border) * scale
    image = Image.new("L", (side, side), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                box = ((x + border) * scale, (y + border) * scale)
                image.paste(0, (*box, box[0] + scale, box[1] + scale))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    (code,) = zxingcpp.read_barcodes(Image.open(buffer))
    assert code.text == url
    svg = qr_svg(url, size_mm=30)
    assert svg.startswith('<svg width="30mm" height="30mm" viewBox="0 0 ') and "#000" in svg
    with pytest.raises(ValueError, match="url"):
        make_qr("")
