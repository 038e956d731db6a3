"""`mash export annex-a --from DATE --to DATE --out FILE.xlsx` (issue 8 §5)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from mash.audit.models import AuditEvent
from mash.returns.annex_a import LISTS

pytestmark = pytest.mark.django_db


def test_annex_a_is_written_with_every_list_and_audited(door, tmp_path, capsys):
    # One contact, referral, assessment.
    contact = door.contact(date(2026, 9, 14), outcome="S17", concerns=("neglect",))
    out = tmp_path / "annex-a.xlsx"
    call_command(
        "export", "annex-a", "--from", "2026-06-01", "--to", "2026-11-30", "--out", str(out)
    )
    line = capsys.readouterr().out.strip()
    assert line.startswith("Annex A 1 June 2026 to 30 November 2026 (List 1 Contacts: 1, ")
    assert "List 3 Referrals: 1" in line and line.endswith(f"written to {out}")
    book = load_workbook(out)
    assert book.sheetnames == ["Cover", *LISTS]
    contacts = book["List 1 Contacts"]
    assert [cell.value for cell in contacts[1]] == list(LISTS["List 1 Contacts"])
    assert contacts.max_row == 2  # the header and the one child's contact
    event = AuditEvent.objects.get(action="returns.annex_a_exported")
    assert event.data["rows"]["List 3 Referrals"] == 1 and event.actor is None
    # Whose records left, as the census audit says (ADR 0010).
    assert event.data["person_ids"] == [str(contact.children().get().person_id)]
    assert event.data["contacts"] == [contact.reference]
    assert [p.name for p in tmp_path.iterdir()] == ["annex-a.xlsx"]  # no temporary left


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-11-30", "2026-06-01", "--to must be on or after --from"),
        ("2023-01-01", "2026-06-01", "no more than 2 years"),
    ],
)
def test_a_bad_period_is_refused_in_words_and_writes_nothing(db, tmp_path, start, end, message):
    out = tmp_path / "annex-a.xlsx"
    with pytest.raises(CommandError, match=message):
        call_command("export", "annex-a", "--from", start, "--to", end, "--out", str(out))
    assert not out.exists()
    assert not AuditEvent.objects.filter(action="returns.annex_a_exported").exists()


def test_a_date_that_is_not_a_date_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="--from"):
        call_command("export", "annex-a", "--from", "1 June", "--to", "2026-06-30", "--out", "x")
