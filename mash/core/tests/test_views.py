import pytest
from bs4 import BeautifulSoup
from django.db import DatabaseError
from django.test import RequestFactory

from mash.core import views
from mash.core.middleware import SecurityHeadersMiddleware

pytestmark = pytest.mark.urls("mash.core.tests.urls")


def heading(html: bytes | str) -> str:
    return BeautifulSoup(html, "html.parser").select_one("h1").get_text(strip=True)


def test_accessibility_statement_is_public(client) -> None:
    response = client.get("/accessibility/")
    assert response.status_code == 200
    assert heading(response.content) == "Accessibility statement for Northamptonshire MASH"
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("#reporting-problems")
    assert "WCAG) version 2.2 at level AA" in page.get_text()
    assert response["Content-Security-Policy"] == SecurityHeadersMiddleware.POLICY


@pytest.mark.django_db
def test_health_check_reports_the_database(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_check_fails_when_the_database_does(monkeypatch) -> None:
    class BrokenConnection:
        def cursor(self) -> None:
            raise DatabaseError("connection refused")

    monkeypatch.setattr(views, "connection", BrokenConnection())
    response = views.healthz(RequestFactory().get("/healthz"))
    assert response.status_code == 503
    assert b"connection refused" not in response.content


def test_unknown_page_gets_the_404_page(client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert heading(response.content) == "Page not found"


@pytest.mark.parametrize(
    ("handler", "status", "title"),
    [
        (views.bad_request, 400, "Sorry, there is a problem with the request"),
        (views.permission_denied, 403, "You cannot view this page"),
        (views.page_not_found, 404, "Page not found"),
    ],
)
def test_error_handlers(rf, handler, status: int, title: str) -> None:
    response = handler(rf.get("/somewhere/"), Exception("detail that must not show"))
    assert response.status_code == status
    assert heading(response.content) == title
    assert b"detail that must not show" not in response.content


def test_server_error_page(rf) -> None:
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert heading(response.content) == "Sorry, there is a problem with the service"


def test_server_error_falls_back_to_plain_html(rf, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("template engine down")

    monkeypatch.setattr(views, "render_to_string", broken)
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert heading(response.content) == "Sorry, there is a problem with the service"
