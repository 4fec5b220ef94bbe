"""The synthetic population: the same for a seed, every rare case present, codes unique and checked."""

from __future__ import annotations

from collections import Counter

from madoguchi.registry import population


def test_the_same_seed_gives_the_same_city_and_growing_it_keeps_the_first_residents() -> None:
    small = list(population.generate(5000))
    again = list(population.generate(5000))
    larger = list(population.generate(8000))
    assert small == again
    assert larger[:4990] == small[:4990]  # only the last household may be cut differently
    assert list(population.generate(5000, seed=1)) != small


def test_codes_are_unique_and_carry_their_check_digit() -> None:
    people = list(population.generate(30_000))
    codes = [p.code for p in people]
    assert len(set(codes)) == len(codes)
    assert all(code[-1] == population.check_digit(code[:-1]) for code in codes)
    serials = [p.card_serial for p in people if p.card_serial]
    assert len(set(serials)) == len(serials)


def test_every_case_the_certificates_refuse_is_in_the_population() -> None:
    people = list(population.generate(30_000))
    status = Counter(p.status for p in people)
    assert status["moved_out"] > 0
    assert status["deceased"] > 0
    assert any(p.support_measure for p in people)
    assert any(p.moving_out_on for p in people)
    assert any(not p.domicile_in_city for p in people)
    assert any(any(ord(c) > 0xFFFF or c in "髙﨑" for c in p.family_name) for p in people)
    sizes = Counter(p.household for p in people).values()
    assert max(sizes) >= 5
    assert min(sizes) == 1


def test_a_case_person_is_compared_with_the_records_through_the_adapter(db: None) -> None:
    from madoguchi.audit.chain import SystemActor
    from madoguchi.registry.actions import do_load_population
    from madoguchi.registry.comparison import compare

    do_load_population(SystemActor("test"), population.generate(500))
    person = next(population.generate(500))
    same = compare(
        person.family_kana, person.given_kana, person.birth_date, person.family_name, person.given_name
    )
    assert same.record is not None
    assert same.record.code == person.code
    assert "name" not in same.differences
    other_kanji = compare(person.family_kana, person.given_kana, person.birth_date, "別字", person.given_name)
    assert "name" in other_kanji.differences
    newcomer = compare("アラタ", "ヒト", person.birth_date, "新田", "人")
    assert newcomer.record is None
    assert newcomer.candidates == 0
