"""Optimistic locking (issue 6, ADR 0016): a write from a page rendered before someone else's
change is refused with a clear message, what the user typed is kept, and nothing is silently
overwritten. The race on PostgreSQL is in test_concurrency.py."""

from __future__ import annotations

import re

import pytest

from conftest import screen_at_threshold, share_checks
from mash.contacts import services
from mash.contacts.models import Contact, Decision
from mash.core import locking
from mash.core.errors import ApplicationError
from mash.routing import services as routing
from mash.sharing import services as sharing
from mash.sharing.models import ConsentRecord

pytestmark = pytest.mark.django_db

SOMEONE_ELSE = "Someone else changed this contact while you were working on it: "
NOT_SAVED = "Your changes have not been saved. Check what changed below, then submit again."


def _version(contact: Contact) -> int:
    return Contact.objects.values_list("version", flat=True).get(pk=contact.pk)


def _awaiting_decision(contact, sam, priya, polly):
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    share_checks(contact, asked_by=sam, partner=polly)
    services.recommend_outcome(contact, by=sam, outcome="S17", rationale="r", analysis="a")
    return contact


# --------------------------------------------------------------------------- the version


def test_every_write_through_the_services_counts_one_more(received, carys, sam):
    assert received.version == 1
    before = _version(received)
    services.record_acknowledgement(received, by=carys, note="Phoned the school at 2pm.")
    after_acknowledgement = _version(received)
    routing.set_concern_categories(received, by=sam, categories=["neglect"])
    assert before < after_acknowledgement < _version(received)


def test_a_refused_write_does_not_count(received, carys):
    before = _version(received)
    with pytest.raises(ApplicationError):
        services.record_acknowledgement(received, by=carys, note="   ")  # no note: refused
    assert _version(received) == before


def test_versions_are_read_from_forms_and_if_match_headers():
    assert locking.parse_version("3") == 3
    assert locking.parse_version('"3"') == 3
    assert locking.parse_version('W/"12"') == 12
    assert locking.parse_version(None) is None
    assert locking.parse_version("") is None
    assert locking.parse_version("*") is None
    assert locking.parse_version("three") == 0  # never matches: the conflict page, not a 500
    assert locking.parse_version("9" * 40) == 0


# --------------------------------------------------------------------------- (a) services


def test_the_second_of_two_stale_writes_is_refused_and_the_first_kept(received, carys, sam):
    """No state guards the kinds of concern: without the version the second save would
    silently replace the first."""
    seen = _version(received)
    with locking.expecting(received, seen, by=carys):
        routing.set_concern_categories(received, by=carys, categories=["young_carer"])
    with pytest.raises(locking.StaleVersion) as refused, locking.expecting(received, seen, by=sam):
        routing.set_concern_categories(received, by=sam, categories=["neglect"])
    received.refresh_from_db()
    assert received.concern_categories == ["young_carer"]
    message = refused.value.message
    assert message.startswith(SOMEONE_ELSE + "Carys Tester changed the kinds of concern on ")
    assert message.endswith(NOT_SAVED)
    assert refused.value.current_version == _version(received)
    assert refused.value.change is not None and refused.value.change.who == "Carys Tester"


def test_two_managers_deciding_from_the_same_page(received, sam, priya, meera, polly):
    contact = _awaiting_decision(received, sam, priya, polly)
    seen = _version(contact)
    team = services.suggested_team(contact, "S17")
    with locking.expecting(contact, seen, by=priya):
        services.decide(contact, by=priya, agrees=True, outcome="S17", rationale="P.", team=team)
    with pytest.raises(locking.StaleVersion) as refused, locking.expecting(contact, seen, by=meera):
        services.decide(contact, by=meera, agrees=False, outcome="S47", rationale="M.", team=team)
    assert "Priya Tester recorded the decision on" in refused.value.message
    decision = Decision.objects.get(contact=contact)
    assert (decision.decided_by, decision.outcome, decision.rationale) == (priya, "S17", "P.")


def test_consent_recorded_twice_from_one_page_keeps_only_the_first(received, sam, priya):
    seen = _version(received)
    with locking.expecting(received, seen, by=sam):
        sharing.record_consent(received, by=sam, position="GIVEN", detail="Mother agreed.")
    with pytest.raises(locking.StaleVersion), locking.expecting(received, seen, by=priya):
        sharing.record_consent(received, by=priya, position="REFUSED", detail="Refused.")
    details = ConsentRecord.objects.filter(contact=received).values_list("detail", flat=True)
    assert list(details) == ["Mother agreed."]


def test_the_same_person_in_two_tabs_is_told_it_was_them(received, carys):
    seen = _version(received)
    with locking.expecting(received, seen, by=carys):
        routing.set_concern_categories(received, by=carys, categories=["neglect"])
    other_tab = locking.expecting(received, seen, by=carys)
    with pytest.raises(locking.StaleVersion) as refused, other_tab:
        routing.set_concern_categories(received, by=carys, categories=["behaviour"])
    assert refused.value.message.startswith(
        "You changed this contact in another window or tab while you were working on it: "
        "you changed the kinds of concern on "
    )


def test_the_current_version_goes_through(received, carys):
    with locking.expecting(received, _version(received), by=carys):
        routing.set_concern_categories(received, by=carys, categories=["neglect"])
    with locking.expecting(received, _version(received), by=carys):
        routing.set_concern_categories(received, by=carys, categories=["behaviour"])
    received.refresh_from_db()
    assert received.concern_categories == ["behaviour"]


# --------------------------------------------------------------------------- (b) HTTP


def _hidden_version(page: str) -> str:
    found = re.search(r'<input type="hidden" name="version" value="(\d+)"', page)
    assert found, "the form carries the version it was rendered with"
    return found.group(1)


def test_two_people_submit_the_same_form_and_the_second_sees_what_changed(
    client, django_user_model, received, carys, sam
):
    from django.test import Client

    url = f"/contacts/{received.pk}/concerns/"
    first, second = Client(), Client()
    first.force_login(carys)
    second.force_login(sam)
    version_one = _hidden_version(first.get(url).content.decode())
    version_two = _hidden_version(second.get(url).content.decode())
    assert version_one == version_two == str(_version(received))

    done = first.post(url, {"concern_categories": ["young_carer"], "version": version_one})
    assert done.status_code == 302
    typed = {"concern_categories": ["neglect", "behaviour"]}
    refused = second.post(url, typed | {"version": version_two})
    page = refused.content.decode()
    assert refused.status_code == 409
    assert SOMEONE_ELSE + "Carys Tester changed the kinds of concern on " in page
    assert NOT_SAVED in page
    assert "What changed while you were working" in page
    # What Sam ticked is still ticked, and the form now carries the new version.
    assert re.search(r'value="neglect"[^>]*checked', page)
    assert re.search(r'value="behaviour"[^>]*checked', page)
    assert _hidden_version(page) == str(_version(received))
    received.refresh_from_db()
    assert received.concern_categories == ["young_carer"]  # nothing overwritten

    again = second.post(
        url, {"concern_categories": ["neglect", "behaviour"], "version": _hidden_version(page)}
    )
    assert again.status_code == 302  # a deliberate resubmission works
    received.refresh_from_db()
    assert received.concern_categories == ["neglect", "behaviour"]


def test_a_decision_from_a_stale_page_keeps_the_managers_rationale(
    received, sam, priya, meera, polly
):
    from django.test import Client

    contact = _awaiting_decision(received, sam, priya, polly)
    url = f"/contacts/{contact.pk}/decide/"
    team = services.suggested_team(contact, "S17")
    pages = {}
    for user in (priya, meera):
        browser = Client()
        browser.force_login(user)
        pages[user.username] = (browser, _hidden_version(browser.get(url).content.decode()))
    browser, version = pages["priya"]
    posted = {"agrees": "yes", "outcome": "S17", "rationale": "Priya's view.", "team": team}
    assert browser.post(url, posted | {"version": version}).status_code == 302
    browser, version = pages["meera"]
    posted = {"agrees": "no", "outcome": "S47", "rationale": "Meera <b>& co</b>.", "team": team}
    refused = browser.post(url, posted | {"version": version})
    page = refused.content.decode()
    assert refused.status_code == 409
    assert SOMEONE_ELSE + "Priya Tester recorded the decision on " in page
    assert "Meera &lt;b&gt;&amp; co&lt;/b&gt;." in page  # typed text kept, escaped
    assert Decision.objects.get(contact=contact).rationale == "Priya's view."


def test_a_post_without_a_version_still_meets_the_state_checks(client, received, sam, priya):
    """Old pages (and scripts) send no version: the services' own state checks still apply."""
    url = f"/contacts/{received.pk}/concerns/"
    client.force_login(sam)
    assert client.post(url, {"concern_categories": ["neglect"]}).status_code == 302


def test_a_malformed_version_gets_the_conflict_page_not_an_error(client, received, sam):
    url = f"/contacts/{received.pk}/concerns/"
    client.force_login(sam)
    refused = client.post(url, {"concern_categories": ["neglect"], "version": "not-a-number"})
    assert refused.status_code == 409
    assert _hidden_version(refused.content.decode()) == str(_version(received))
    received.refresh_from_db()
    assert received.concern_categories == []


def test_a_history_check_from_a_stale_page_is_not_saved(client, received, carys, sam):
    """Two workers checking the same child: the second choice would replace the first."""
    person = received.children().get()
    url = f"/contacts/{received.pk}/people/{person.pk}/history/"
    stale = _version(received)
    services.confirm_new_person(person, by=carys)
    client.force_login(sam)
    response = client.post(url, {"choice": "new", "version": str(stale)}, follow=True)
    assert SOMEONE_ELSE in response.content.decode()
    person.refresh_from_db()
    assert person.history_checked_by == carys
