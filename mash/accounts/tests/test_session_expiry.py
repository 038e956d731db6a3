"""Idle sign-out, the warning's status endpoint, and nothing typed lost (ADR 0011)."""

from __future__ import annotations

import time

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from mash.accounts.middleware import KEPT, LAST_SEEN
from mash.accounts.tests.conftest import PASSWORD
from mash.audit.models import AuditEvent
from mash.contacts.models import Contact
from mash.contacts.tests.test_views import staff_form

pytestmark = pytest.mark.django_db


def csrf_from(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select_one("input[name=csrfmiddlewaretoken]")["value"]


def sign_in_with_csrf(client: Client, username: str):
    token = csrf_from(client.get("/sign-in/"))
    return client.post(
        "/sign-in/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )


def go_idle(client: Client, minutes: int = 31) -> None:
    session = client.session
    session[LAST_SEEN] = time.time() - minutes * 60
    session.save()


def test_a_contact_typed_when_the_session_ran_out_is_saved_after_signing_in(carys):
    client = Client(enforce_csrf_checks=True)
    assert sign_in_with_csrf(client, "carys").status_code == 302
    token = csrf_from(client.get("/contacts/new/"))  # the form carys started
    go_idle(client)
    before = Contact.objects.count()

    sent = client.post(
        "/contacts/new/",
        {
            **staff_form(concern_summary="Typed over a long phone call."),
            "people-0-postcode": "NN1 1AA",
            "csrfmiddlewaretoken": token,
        },
    )
    assert sent.status_code == 302 and sent["Location"].startswith("/sign-in/")
    assert Contact.objects.count() == before
    assert AuditEvent.objects.filter(action="account.session_expired", actor=carys).exists()
    kept = client.session[KEPT]
    assert kept["path"] == "/contacts/new/"
    assert all(name != "csrfmiddlewaretoken" for name, _ in kept["fields"])

    page = client.get(sent["Location"]).content.decode()
    assert "You were signed out because you had not used the service for 30 minutes." in page
    assert "What you were typing has been kept." in page

    back = sign_in_with_csrf(client, "carys")
    assert back["Location"] == "/account/resume/"
    resume = client.get("/account/resume/")
    assert "You were signed out before your changes were saved" in resume.content.decode()
    form = BeautifulSoup(resume.content, "html.parser").select_one("form[action='/contacts/new/']")
    data: dict[str, list[str]] = {}
    for field in form.select("input[type=hidden]"):
        data.setdefault(field["name"], []).append(field["value"])
    assert data["concern_summary"] == ["Typed over a long phone call."]
    assert data["people-0-postcode"] == ["NN1 1AA"]  # a field named "…code" is no secret

    saved = client.post(form["action"], data)  # with the page's fresh CSRF token
    assert saved.status_code == 302
    assert Contact.objects.count() == before + 1
    assert Contact.objects.filter(concern_summary="Typed over a long phone call.").exists()
    assert KEPT not in client.session
    assert client.get("/account/resume/")["Location"] == "/contacts/"  # nothing left to offer


def test_kept_data_is_never_offered_to_someone_else(client, carys, sam):
    client.post("/sign-in/", {"username": "carys", "password": PASSWORD})
    go_idle(client)
    client.post("/contacts/new/", staff_form(concern_summary="Carys's notes"))
    assert KEPT in client.session
    other = client.post("/sign-in/", {"username": "sam", "password": PASSWORD})
    assert other["Location"] == "/contacts/"
    assert KEPT not in client.session
    assert client.get("/account/resume/")["Location"] == "/contacts/"


def test_nothing_is_kept_for_a_visitor_who_was_never_signed_in(client):
    client.post("/contacts/new/", staff_form())
    assert KEPT not in client.session


def test_an_idle_session_ends_and_the_sign_in_page_says_why(client, sam):
    client.force_login(sam)
    assert client.get("/contacts/").status_code == 200
    go_idle(client)
    response = client.get("/contacts/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert (
        "had not used the service for 30 minutes"
        in client.get(response["Location"]).content.decode()
    )


def test_the_status_check_does_not_keep_a_session_alive_but_stay_signed_in_does(client, sam):
    client.force_login(sam)
    client.get("/contacts/")
    go_idle(client, minutes=28)
    status = client.get("/account/session/").json()
    assert status["signed_in"] and 100 < status["remaining"] <= 120
    assert 100 < client.get("/account/session/").json()["remaining"] <= 120  # not extended
    stay = client.post("/account/session/").json()
    assert stay["remaining"] > 29 * 60
    client.post("/sign-out/")
    assert client.get("/account/session/").json() == {"signed_in": False, "remaining": 0}


def test_signed_in_pages_carry_the_warning_settings(client, sam, settings):
    settings.SESSION_IDLE_MINUTES = 20
    settings.SESSION_WARNING_SECONDS = 120
    client.force_login(sam)
    soup = BeautifulSoup(client.get("/contacts/").content, "html.parser")
    root = soup.select_one("#app-session-timeout")
    assert root["data-idle-seconds"] == "1200" and root["data-warning-seconds"] == "120"
    assert soup.select_one("script[src$='accounts/session-timeout.js']") is not None
    client.post("/sign-out/")
    assert "app-session-timeout" not in client.get("/sign-in/").content.decode()


def test_typed_data_is_kept_when_the_warning_noticed_the_expiry_first(client, carys):
    """The page's status check ends the session; the form sent afterwards is still kept."""
    client.post("/sign-in/", {"username": "carys", "password": PASSWORD})
    go_idle(client)
    assert client.get("/account/session/").json()["signed_in"] is False
    client.post("/contacts/new/", staff_form(concern_summary="Sent after the warning"))
    assert client.session[KEPT]["path"] == "/contacts/new/"
    assert client.post("/sign-in/", {"username": "carys", "password": PASSWORD})["Location"] == (
        "/account/resume/"
    )
