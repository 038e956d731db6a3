"""The letters on the contact page and their pages, through the Django test client."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mash.audit.models import AuditEvent
from mash.letters.models import Letter
from mash.letters.tests.conftest import NEIGHBOUR
from mash.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, letter: Letter) -> str:
    return reverse(f"letters:{name}", args=[letter.contact_id, letter.pk])


def test_the_contact_page_lists_the_letters_and_their_state(decide_contact, carys):
    contact = decide_contact(
        "S47", parents_aware="NO", parents_not_informed_reason="Father may flee."
    )
    page = _client(carys).get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert 'id="letters"' in page
    assert "Held: Parents were not told about the referral: Father may flee." in page
    assert "Waiting to be sent" in page  # the referrer's email
    assert "Parent or carer: Dana Smyth" in page and "Referrer: Ms Teacher" in page
    assert "Language for letters (FA-1)" in page


def test_reading_a_letter_is_audited_and_gives_the_stored_pdf(decide_contact, sam):
    contact = decide_contact("S17")
    letter = contact.letters.get(audience="PARENT")
    client = _client(sam)
    response = client.get(_url("pdf", letter))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == bytes(letter.pdf)
    page = client.get(_url("text", letter))
    assert page.status_code == 200 and "Dana Smyth" in page.content.decode()
    views = AuditEvent.objects.filter(action="letter.viewed", contact_id=contact.pk)
    assert sorted(e.data["what"] for e in views) == ["pdf", "text"]


def test_a_partner_never_sees_a_letter(decide_contact, polly):
    contact = decide_contact("S17")
    letter = contact.letters.get(audience="PARENT")
    assert _client(polly).get(_url("pdf", letter)).status_code == 404
    assert _client(polly).get(_url("text", letter)).status_code == 404


def test_release_needs_a_reason_and_keeps_the_page(decide_contact, meera):
    contact = decide_contact("S47", parents_aware="NO", parents_not_informed_reason="Risk.")
    letter = contact.letters.get(audience="PARENT")
    client = _client(meera)
    refused = client.post(_url("release", letter), {"reason": ""})
    assert refused.status_code == 400
    assert "Enter why" in refused.content.decode()
    done = client.post(_url("release", letter), {"reason": "Told at the strategy meeting."})
    assert done.status_code == 302
    letter.refresh_from_db()
    assert letter.status == "ISSUED" and Notification.objects.filter(letter_id=letter.pk).exists()


def test_only_managers_release(decide_contact, sam):
    contact = decide_contact("S47", parents_aware="NO", parents_not_informed_reason="Risk.")
    letter = contact.letters.get(audience="PARENT")
    assert _client(sam).post(_url("release", letter), {"reason": "x"}).status_code == 403


def test_add_the_address_keeps_what_was_typed(decide_contact, carys):
    contact = decide_contact("NFA", referrer={**NEIGHBOUR, "referrer_address": ""})
    letter = contact.letters.get(audience="REFERRER")
    assert letter.status == "NO_ADDRESS"
    client = _client(carys)
    typed = {"line_1": "3 Larch Lane", "line_3": "Northampton", "postcode": "NOT A CODE"}
    refused = client.post(_url("address", letter), typed)
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Enter a real UK postcode" in page and 'value="3 Larch Lane"' in page
    done = client.post(_url("address", letter), {**typed, "postcode": "NN1 2BB"})
    assert done.status_code == 302
    new = contact.letters.current().get(audience="REFERRER")
    assert new.status == "ISSUED" and new.address_lines[-1] == "NN1 2BB"


def test_send_again_makes_a_new_notification(decide_contact, carys):
    contact = decide_contact("S17")
    letter = contact.letters.get(audience="PARENT")
    client = _client(carys)
    refused = client.post(_url("send-again", letter), {"reason": "Twice"})
    assert refused.status_code == 400  # the first copy is still waiting to be sent
    assert "already waiting to be sent" in refused.content.decode()
    assert "Twice" in refused.content.decode()  # what was typed is kept
    from mash.notifications import services as outbox
    from mash.notifications.delivery import LogAdapter

    outbox.work_once(None, LogAdapter())
    response = client.post(_url("send-again", letter), {"reason": ""})
    assert response.status_code == 302
    assert Notification.objects.filter(letter_id=letter.pk).count() == 2


def test_the_decision_form_asks_for_a_reason_to_hold(carys, sam, priya, meera, polly):
    from conftest import child, contact_details, screen_at_threshold, share_checks
    from mash.contacts import services
    from mash.contacts.forms import NO_TEAM
    from mash.letters.tests.conftest import PARENT

    contact = services.record_contact(by=carys, people=[child(), PARENT], **contact_details())
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    share_checks(contact, asked_by=sam, partner=polly)
    services.recommend_outcome(contact, by=sam, outcome="NFA", rationale="r", analysis="a")
    contact.refresh_from_db()
    url = reverse("contacts:decide", args=[contact.pk])
    form = {
        "agrees": "yes",
        "outcome": "NFA",
        "rationale": "No concerns.",
        "team": NO_TEAM,
        "version": contact.version,
        "hold_parent_letters": "on",
        "hold_reason": "",
    }
    client = _client(meera)
    page = client.get(url).content.decode()
    assert "Hold the letters to the parents" in page
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "Enter why the parents" in refused.content.decode()
    assert not Letter.objects.exists()
    done = client.post(url, {**form, "hold_reason": "Police to visit first."})
    assert done.status_code == 302, done.content.decode()[:3000]
    assert Letter.objects.get(audience="PARENT").status == "HELD"


def test_the_decision_page_says_the_parents_letters_will_be_held(carys, sam, priya, meera, polly):
    from conftest import child, contact_details, screen_at_threshold, share_checks
    from mash.contacts import services
    from mash.letters.tests.conftest import PARENT

    contact = services.record_contact(
        by=carys,
        people=[child(), PARENT],
        **contact_details(parents_aware="NO", parents_not_informed_reason="Father may flee."),
    )
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    share_checks(contact, asked_by=sam, partner=polly)
    services.recommend_outcome(contact, by=sam, outcome="S47", rationale="r", analysis="a")
    page = _client(meera).get(reverse("contacts:decide", args=[contact.pk])).content.decode()
    assert "one to each of Dana Smyth" in page
    assert "will be held until a manager releases them (CO-1)" in page
    assert "Father may flee." in page


def test_a_letter_is_found_only_under_its_own_contact(decide_contact, carys):
    """A letter's id under another contact's URL is not found (and not served)."""
    first, second = decide_contact("S17"), decide_contact("NFA")
    letter = first.letters.get(audience="PARENT")
    wrong = reverse("letters:pdf", args=[second.pk, letter.pk])
    assert _client(carys).get(wrong).status_code == 404
    assert _client(carys).get(_url("pdf", letter)).status_code == 200
