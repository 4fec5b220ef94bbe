"""The embedded fonts and the fallback for rare name characters."""

from __future__ import annotations

from madoguchi.printing.fonts import FONT_DIR, GOTHIC, MINCHO, FontSet, fonts


def test_the_vendored_fonts_are_registered_once_and_cover_common_rare_name_characters() -> None:
    # when
    registered = fonts()
    # then
    assert registered is fonts()
    for name in (GOTHIC, MINCHO):
        assert ord("髙") in registered.coverage[name]
        assert ord("﨑") in registered.coverage[name]
        assert ord("〒") in registered.coverage[name]
    assert (FONT_DIR / "README.md").is_file()
    assert list(FONT_DIR.glob("IPA_Font_License*"))


def test_characters_the_font_lacks_go_to_the_fallback() -> None:
    # given: a primary font without 𠮷 and a fallback with it
    font_set = FontSet(coverage={"P": frozenset(map(ord, "田中")), "F": frozenset([0x20BB7])}, fallback="F")
    # when
    runs = font_set.runs("𠮷田中", "P")
    # then
    assert runs == [("F", "𠮷"), ("P", "田中")]
    assert font_set.missing("𠮷田中", "P") == set()
    assert font_set.missing("𠮷田X", "P") == {"X"}


def test_without_a_fallback_everything_stays_in_the_font_and_gaps_are_reported() -> None:
    font_set = FontSet(coverage={"P": frozenset(map(ord, "田中"))}, fallback=None)
    assert font_set.runs("𠮷田", "P") == [("P", "𠮷田")]
    assert font_set.missing("𠮷田 中", "P") == {"𠮷"}
