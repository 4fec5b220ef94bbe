"""Certificates taken over by stores lower the certificate counter's load, and nothing else's."""

from __future__ import annotations

import pytest

from madoguchi.simulator.parameters import OFFICES, with_self_service


def test_stores_taking_certificates_lower_the_offices_visits_and_the_certificate_share() -> None:
    office = OFFICES["chuo"]
    half = with_self_service(office, 0.5)
    certificate = office.visit_shares["certificate"]
    assert half.visit_shares["certificate"] == pytest.approx(certificate / 2)
    assert half.visits_per_year == round(
        office.visits_per_year * (1 - certificate / 2 / sum(office.visit_shares.values()))
    )
    # the life-event visits an office receives are the same in number
    tennyu = office.visits_per_year * office.visit_shares["tennyu"] / sum(office.visit_shares.values())
    tennyu_half = half.visits_per_year * half.visit_shares["tennyu"] / sum(half.visit_shares.values())
    assert tennyu_half == pytest.approx(tennyu, rel=1e-3)
    assert with_self_service(office, 0.0) == office


@pytest.mark.parametrize("share", [-0.1, 1.5, float("nan")])
def test_an_impossible_share_is_refused(share: float) -> None:
    with pytest.raises(ValueError, match="self-service share"):
        with_self_service(OFFICES["chuo"], share)
