"""IN-7 / TS-4: the written confirmation is attached, checked by content, and downloadable
by MASH staff only, each download audited (issue 7)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mash.audit.models import AuditEvent
from mash.contacts.attachments import MAX_BYTES
from mash.contacts.models import WrittenConfirmation

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def _form(received, **overrides):
    now = timezone.localtime()
    data = {
        "arrived_date_day": str(now.day),
        "arrived_date_month": str(now.month),
        "arrived_date_year": str(now.year),
        "arrived_time": now.strftime("%H:%M"),
        "how": "SECURE_EMAIL",
        "text": "",
        "note": "MARF from the school",
        "version": str(received.version),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _post(client, received, **overrides):
    return client.post(
        f"/contacts/{received.pk}/written-confirmation/", _form(received, **overrides)
    )


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def test_the_file_is_attached_with_its_hash_and_ts4_is_met(client, sam, received):
    client.force_login(sam)
    upload = SimpleUploadedFile("marf.pdf", PDF, content_type="application/pdf")
    response = _post(client, received, file=upload)
    assert response.status_code == 302, response.content.decode()
    confirmation = WrittenConfirmation.objects.get(contact=received)
    assert bytes(confirmation.data) == PDF
    assert confirmation.sha256 == hashlib.sha256(PDF).hexdigest()
    assert confirmation.content_type == "application/pdf" and confirmation.how == "SECURE_EMAIL"
    assert received.clocks.get(rule_id="TS-4").met_at is not None
    page = client.get(f"/contacts/{received.pk}/").content.decode()
    assert "Download marf.pdf" in page


def test_pasted_email_text_alone_is_enough(client, sam, received):
    client.force_login(sam)
    response = _post(client, received, text="Dear MASH, I confirm my referral this morning.")
    assert response.status_code == 302
    assert WrittenConfirmation.objects.get(contact=received).text.startswith("Dear MASH")


def test_a_word_document_is_accepted(client, sam, received):
    client.force_login(sam)
    upload = SimpleUploadedFile("marf.docx", _docx())
    assert _post(client, received, file=upload).status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("marf.pdf", b"MZ\x90\x00 not a pdf", "is not a real PDF, although its name ends .pdf"),
        ("marf.exe", PDF, "The selected file must be a PDF, a PNG or JPEG image"),
        ("marf.docx", b"PK\x03\x04broken", "is not a real Word document"),
        ("marf.pdf", b"%PDF-" + b"0" * MAX_BYTES, "must be smaller than 10 MB"),
    ],
)
def test_a_wrong_file_is_explained_and_what_was_typed_kept(
    client, sam, received, name, content, message
):
    client.force_login(sam)
    response = _post(
        client, received, file=SimpleUploadedFile(name, content), note="Kept note typed here"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "There is a problem" in page
    assert "Kept note typed here" in page
    assert "choose it again" in page
    assert not WrittenConfirmation.objects.exists()
    assert received.clocks.get(rule_id="TS-4").met_at is None


def test_nothing_attached_is_explained(client, sam, received):
    client.force_login(sam)
    response = _post(client, received)
    assert response.status_code == 400
    assert (
        "Upload the written confirmation or paste the text of the email"
        in response.content.decode()
    )


def test_arrival_in_the_future_or_before_the_contact_is_refused(client, sam, received):
    client.force_login(sam)
    later = timezone.localtime() + timedelta(days=1)
    future = _post(
        client,
        received,
        text="t",
        arrived_date_day=str(later.day),
        arrived_date_month=str(later.month),
        arrived_date_year=str(later.year),
    )
    assert future.status_code == 400
    assert "must not be in the future" in future.content.decode()
    before = timezone.localtime(received.received_at) - timedelta(days=2)
    early = _post(
        client,
        received,
        text="t",
        arrived_date_day=str(before.day),
        arrived_date_month=str(before.month),
        arrived_date_year=str(before.year),
    )
    assert early.status_code == 400
    assert "must be after the contact was received" in early.content.decode()


@pytest.fixture
def confirmed(client, sam, received):
    client.force_login(sam)
    _post(client, received, file=SimpleUploadedFile("marf.pdf", PDF))
    client.logout()
    return WrittenConfirmation.objects.get(contact=received)


def test_mash_staff_download_it_audited_as_an_attachment(client, priya, received, confirmed):
    client.force_login(priya)
    response = client.get(f"/contacts/{received.pk}/written-confirmation/{confirmed.pk}/file/")
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Disposition"] == 'attachment; filename="marf.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action="contact.written_confirmation_viewed")
    assert event.actor == priya and event.contact_id == received.pk


def test_a_partner_cannot_download_it(client, polly, received, confirmed):
    client.force_login(polly)
    response = client.get(f"/contacts/{received.pk}/written-confirmation/{confirmed.pk}/file/")
    assert response.status_code == 404  # may not know it exists (CO-4)
    assert not AuditEvent.objects.filter(action="contact.written_confirmation_viewed").exists()
    assert AuditEvent.objects.filter(action="access.refused", actor=polly).exists()


def test_retention_disposal_empties_the_written_confirmation(client, sam, received):
    """CO-6, ADR 0013: the referrer's form goes with the rest of the record."""
    from mash.dataprotection.services import anonymise_contact

    client.force_login(sam)
    upload = SimpleUploadedFile("marf.pdf", PDF, content_type="application/pdf")
    assert _post(client, received, file=upload, text="Dear MASH, about Jayden").status_code == 302
    anonymise_contact(received)
    confirmation = WrittenConfirmation.objects.get(contact=received)
    assert bytes(confirmation.data) == b"" and confirmation.size == 0
    assert (confirmation.text, confirmation.note, confirmation.file_name) == ("", "", "")
    assert confirmation.sha256 == ""
