"""The shipped demo inventory is what the seeded generator makes, and screens in the spirit of Chiba."""

from __future__ import annotations

from madoguchi.screening.demo_inventory import DEMO_INVENTORY, TOTAL_OPERATIONS, generate, main
from madoguchi.screening.inventory import read_inventory
from madoguchi.screening.select import screen


def test_the_shipped_file_regenerates_identically() -> None:
    assert DEMO_INVENTORY.read_text(encoding="utf-8") == generate()
    assert main(["--check"]) == 0


def test_the_generator_is_deterministic_per_seed() -> None:
    assert generate(7) == generate(7)
    assert generate(7) != generate(8)


def test_default_screening_keeps_148_of_762_like_chiba() -> None:
    inventory = read_inventory(DEMO_INVENTORY.read_bytes(), DEMO_INVENTORY.name)
    assert inventory.rows_read == TOTAL_OPERATIONS == 762
    assert inventory.rejected == ()
    result = screen(inventory)
    assert result.selected_count == 148
    assert 0.15 <= result.counter_minutes_share <= 0.25
    codes = {o.code for o in inventory.operations}
    assert "juminhyo-utsushi" in codes  # catalog procedures keep their codes
    assert "unten-menkyo-jusho" not in codes  # external agencies are not the city's operations
    assert sum(1 for o in inventory.operations if o.life_event_relevance == "低") > 250
