"""A database outage answers 503 with Retry-After, never a 500 or a stack trace (issue 6 §6).

A real outage, not a mock: the connection is pointed at a database that cannot be opened (a
file in a missing folder on SQLite, a closed port on PostgreSQL), then restored.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.db import OperationalError, connection
from django.test import Client

from mash.accounts.models import Agency
from mash.api.models import PartnerApiClient
from mash.contacts.models import Contact
from mash.core import views

pytestmark = pytest.mark.django_db

LEAKS = ("Traceback", "OperationalError", "unable to open", "Connection refused", "psycopg")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the socket is closed


@contextmanager
def outage(folder: Path) -> Iterator[None]:
    """Point the connection at a database that is not there; put everything back afterwards.

    The test's own connection (holding its transaction, and on SQLite the in-memory database)
    is set aside rather than closed, so the test database survives the outage.
    """
    saved_settings = dict(connection.settings_dict)
    saved = {name: getattr(connection, name) for name in _CONNECTION_STATE}
    connection.connection = None
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(folder / "no-such-folder" / "mash.sqlite3")
    else:
        connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": str(_closed_port())})
    try:
        yield
    finally:
        if connection.connection is not None:
            connection.connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved_settings)
        for name, value in saved.items():
            setattr(connection, name, value)


_CONNECTION_STATE = (
    "connection",
    "in_atomic_block",
    "savepoint_ids",
    "atomic_blocks",
    "needs_rollback",
    "autocommit",
    "commit_on_exit",
    "savepoint_state",
)


@pytest.fixture
def database_down(tmp_path) -> Iterator[None]:
    with outage(tmp_path):
        yield


def _assert_no_leak(content: bytes) -> None:
    text = content.decode()
    for leak in LEAKS:
        assert leak not in text, leak


@pytest.fixture
def partner_token(profile) -> str:
    agency = Agency.objects.filter(code__icontains="police").first()
    return PartnerApiClient.issue(name="Police case system", agency=agency, referrer_source="6")[1]


def test_a_page_answers_503_with_the_unavailable_page(client, sam, tmp_path, caplog) -> None:
    client.force_login(sam)  # the session is in the database, which is about to go
    with outage(tmp_path), caplog.at_level(logging.ERROR, logger="mash.outage"):
        database_down_now = client.get("/people/?q=Lily+Brown")
    assert database_down_now.status_code == 503
    assert database_down_now["Retry-After"] == "30"
    page = BeautifulSoup(database_down_now.content, "html.parser")
    assert page.select_one("h1").get_text(strip=True) == "Sorry, the service is unavailable"
    assert "Check whether the record was saved before you send it again" in page.get_text()
    _assert_no_leak(database_down_now.content)
    logged = [r.getMessage() for r in caplog.records]
    assert "Database unavailable: GET /people/ answered 503 (OperationalError)" in logged
    assert not any("Lily" in line for line in logged)  # a searched name stays out of the log


BODY = {
    "purpose": "PROVISION_OF_INFORMATION",
    "referrer": {"name": "PC Jones"},
    "children": [{"given_names": "Lily", "family_name": "Brown"}],
    "concern_summary": "Domestic incident attended; children present.",
}


def _submit(client: Client, token: str, key: str):
    return client.post(
        "/api/v1/contacts",
        json.dumps(BODY),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
    )


def test_the_api_answers_503_json_that_says_retry(client, partner_token, tmp_path) -> None:
    with outage(tmp_path):
        response = _submit(client, partner_token, "outage-0001")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    assert response.json()["retryable"] is True
    assert "same Idempotency-Key" in response.json()["message"]
    _assert_no_leak(response.content)
    assert Contact.objects.count() == 0


def test_after_the_outage_the_retry_records_the_contact_once(client, partner_token, tmp_path):
    with outage(tmp_path):
        assert _submit(client, partner_token, "outage-0002").status_code == 503
    first = _submit(client, partner_token, "outage-0002")
    again = _submit(client, partner_token, "outage-0002")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["reference"] == again.json()["reference"]
    assert Contact.objects.count() == 1


def test_liveness_does_not_need_the_database(database_down) -> None:
    response = Client().get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_fails_while_the_database_is_down(database_down) -> None:
    response = Client().get("/health/ready/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_readiness_is_200_when_the_database_answers(client) -> None:
    response = client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize(("path", "kind"), [("/api/v1/contacts", "json"), ("/people/", "html")])
def test_an_outage_outside_a_view_reaches_handler500_and_still_answers_503(rf, path, kind):
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = views.server_error(rf.get(path))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert ("retryable" in response.content.decode()) == (kind == "json")
    _assert_no_leak(response.content)


def test_other_errors_still_get_the_500_page(rf) -> None:
    try:
        raise ValueError("a bug")
    except ValueError:
        response = views.server_error(rf.get("/people/"))
    assert response.status_code == 500
    assert Contact.objects.count() == 0
