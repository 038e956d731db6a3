"""CSRF everywhere (issue 6 §5, docs/adr/0014-hardening.md).

Every URL pattern in the resolver is sent a POST without a CSRF token by a signed-in MASH
manager: each answers 403 with the plain-English "Your form was not sent" page and nothing is
written. The partner API is the one exception by design: it takes a bearer token and no
cookie, so a request that carries only a staff session cookie is refused with 401.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

pytestmark = pytest.mark.django_db

API_PREFIX = "/api/v1/"
_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")
_SAMPLES = {"uuid": str(uuid.UUID(int=1)), "int": "1"}


def _route_part(pattern: RoutePattern) -> str:
    route = str(pattern)
    return _ROUTE_PARAM.sub(lambda m: _SAMPLES.get(m["converter"] or "str", "1"), route)


def _regex_part(pattern: RegexPattern) -> str:
    """A concrete path for a regex: an alternation's first word, else '1'."""

    def sample(match: re.Match[str]) -> str:
        body = match["body"]
        return body.split("|")[0] if re.fullmatch(r"[\w|-]+", body) else "1"

    return _REGEX_GROUP.sub(sample, str(pattern)).lstrip("^").rstrip("$").replace("\\Z", "")


def _concrete(pattern: RoutePattern | RegexPattern) -> str:
    return _route_part(pattern) if isinstance(pattern, RoutePattern) else _regex_part(pattern)


def every_url() -> Iterator[tuple[str, URLPattern]]:
    """One concrete URL for every pattern the resolver holds, with the pattern it must hit."""

    def walk(patterns: list, prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for entry in patterns:
            path = prefix + _concrete(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, path)
            else:
                yield path, entry

    yield from walk(get_resolver().url_patterns, "/")


def _exempt(pattern: URLPattern) -> bool:
    return getattr(pattern.callback, "csrf_exempt", False)


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def manager_browser(meera) -> Client:
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.force_login(meera)
    return browser


# Patterns another pattern shadows on purpose: Django's admin sign-in would skip the lockout
# and the code step, so ours answers at its address first (ADR 0011).
SHADOWED = {("/system-admin/login/", "login")}


def test_every_url_is_reached_by_its_sample():
    """The enumeration is real: each sample URL resolves to the pattern it was made from."""
    urls = list(every_url())
    assert len(urls) > 100
    wrong = {(url, p.name) for url, p in urls if resolve(url).func != p.callback}
    assert wrong == SHADOWED


def test_only_partner_api_operations_are_csrf_exempt():
    """A view marked csrf_exempt anywhere else fails here: say why in docs/adr/0014 first."""
    exempt = [url for url, pattern in every_url() if _exempt(pattern)]
    assert exempt
    assert [url for url in exempt if not url.startswith(API_PREFIX)] == []


def test_a_post_without_a_token_is_refused_on_every_url(manager_browser, received):
    before = _row_counts()
    accepted = {}
    for url, pattern in every_url():
        if _exempt(pattern):
            continue
        response = manager_browser.post(url, {"confirm": "yes", "reason": "Sent by a test."})
        refused = response.status_code == 403 and b"Your form was not sent" in response.content
        if not refused:
            accepted[url] = response.status_code
    assert accepted == {}
    assert _row_counts() == before


def test_the_csrf_failure_page_says_nothing_was_saved_and_what_to_do(manager_browser):
    response = manager_browser.post("/sign-out/")
    assert response.status_code == 403
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("h1").get_text(strip=True) == "Your form was not sent"
    text = page.get_text(" ", strip=True)
    assert "Nothing was saved." in text
    assert "reload the page" in text
    assert page.select_one(".govuk-header, header") is not None  # the service's own layout


def test_the_same_post_with_the_token_goes_through(manager_browser):
    """Positive control: the 403s above are the missing token, not the URL or the user."""
    page = manager_browser.get("/contacts/")
    token = manager_browser.cookies["csrftoken"].value
    assert page.status_code == 200
    response = manager_browser.post("/sign-out/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert manager_browser.get("/contacts/").status_code == 302  # signed out


def test_a_session_cookie_alone_cannot_call_the_api(manager_browser, received):
    """The API is CSRF-exempt because it ignores cookies: bearer token or 401 JSON."""
    before = _row_counts()
    api_urls = [url for url, pattern in every_url() if _exempt(pattern)]
    assert len(api_urls) >= 6
    answers = {}
    for url in api_urls:
        for method, response in (
            ("GET", manager_browser.get(url)),
            ("POST", manager_browser.post(url, data="{}", content_type="application/json")),
        ):
            answers[f"{method} {url}"] = (response.status_code, response["Content-Type"])
    refused = {k: v for k, v in answers.items() if v[0] != 405}  # 405: no such operation
    assert len(refused) >= len(api_urls)  # each operation answers at least one method
    assert all(v == (401, "application/json; charset=utf-8") for v in refused.values()), refused
    assert _row_counts() == before
