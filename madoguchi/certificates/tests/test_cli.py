"""`madoguchi certificate verify` answers 0 valid, 1 invalid with the reason, 2 unreadable;
`madoguchi registry generate` is deterministic and refuses bad input with exit code 2."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from madoguchi.certificates import cards
from madoguchi.certificates.models import CertificateRequest
from madoguchi.certificates.network import StoreTerminal
from madoguchi.registry.models import SimulatedResident


def _verify(path: Path | str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("certificate", "verify", str(path), stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue()


def test_verify_answers_valid_invalid_and_unreadable(
    terminal: Callable[..., StoreTerminal], resident: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given: a certificate printed at a store
    holder = resident()
    store = terminal()
    store.insert_card(holder.card_serial, cards.test_pin(holder.card_serial))
    printout = store.request("juminhyo")
    good = tmp_path / "good.pdf"
    good.write_bytes(printout.pdf)
    # then
    assert _verify(good)[0] == 0
    changed = bytearray(printout.pdf)
    changed[len(changed) // 3] ^= 1
    (tmp_path / "changed.pdf").write_bytes(bytes(changed))
    code, _out = _verify(tmp_path / "changed.pdf")
    assert code in (1, 2)
    (tmp_path / "text.pdf").write_text("hello")
    assert _verify(tmp_path / "text.pdf")[0] == 2
    assert _verify(tmp_path / "missing.pdf")[0] == 2
    # a cancelled request's certificate is void
    CertificateRequest.objects.filter(pk=printout.request_id).update(status="cancelled")
    printout_request = CertificateRequest.objects.get(pk=printout.request_id)
    printout_request.issuance.void = True
    printout_request.issuance.save(update_fields=["void"])
    assert _verify(good)[0] == 1
    assert "void" in capsys.readouterr().out


def test_generate_is_deterministic_and_refuses_bad_input(db: None) -> None:
    call_command("registry", "generate", "--residents", "400", stdout=StringIO(), stderr=StringIO())
    first = list(SimulatedResident.objects.order_by("code").values_list("code", "family_name", "birth_date"))
    call_command("registry", "generate", "--residents", "400", stdout=StringIO(), stderr=StringIO())
    again = list(SimulatedResident.objects.order_by("code").values_list("code", "family_name", "birth_date"))
    assert len(first) == 400
    assert first == again
    for bad in (["--residents", "0"], ["--residents", "many"], ["--seed", "x"]):
        with pytest.raises(CommandError) as refused:
            call_command("registry", "generate", *bad, stdout=StringIO(), stderr=StringIO())
        assert refused.value.returncode == 2
    assert SimulatedResident.objects.count() == 400  # nothing lost by a refused run


def test_the_simulator_takes_the_measured_share_of_certificates_issued_at_stores(
    terminal: Callable[..., StoreTerminal], resident: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from madoguchi.certificates.actions import self_service_share

    assert self_service_share("chuo") is None
    holder = resident()
    store = terminal()
    store.insert_card(holder.card_serial, cards.test_pin(holder.card_serial))
    store.request("juminhyo")
    assert self_service_share("chuo") == 1.0
    out, err = StringIO(), StringIO()
    call_command(
        "simulate",
        "year",
        "--office",
        "chuo",
        "--visits",
        "2000",
        "--workers",
        "1",
        "--certificate-self-service",
        "measured",
        "--json",
        stdout=out,
        stderr=err,
    )
    assert "100%" in err.getvalue()
    with pytest.raises(CommandError) as refused:
        call_command(
            "simulate", "year", "--certificate-self-service", "2", stdout=StringIO(), stderr=StringIO()
        )
    assert refused.value.returncode == 2
