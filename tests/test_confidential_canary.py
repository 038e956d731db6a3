"""The confidential canary (issue 6 §6, ADR 0012): a unique marker in the police's answer (its
information, analysis, reason for heightened concern and the CO-5 holder of confidential
information) and in the case the police alone were asked about at a MASH meeting.

Everyone who may not see the police's information (the health officer, whose agency was not
asked; the missing coordinator and the DCT worker, who have a part in the case but not in
what the agencies shared; the system administrator; an anonymous visitor, on the public forms
too; the health API token and no token) crawls every page and API operation of the
authorization matrix, the searches, filters and downloads. The marker must appear in no
response body or header and in no log line. The same crawl as people who may see it finds it,
so the test can tell.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client

from tests.authorization_world import CANARY, CHILD_FAMILY, CHILD_GIVEN, World, build_world
from tests.test_authorization_matrix import (
    API,
    PAGES,
    A,
    api_path,
    api_request,
    page_url,
    rolled_back,
)

pytestmark = pytest.mark.django_db

MAY_NOT_SEE = ("hana", "maya", "dara", "simon", "anonymous")
API_MAY_NOT_SEE = ("health", "none")

_EXPORT_PERIOD = (
    "date_from_day=1&date_from_month=1&date_from_year=2026"
    "&date_to_day=31&date_to_month=12&date_to_year=2026"
)
# Searches, filters and downloads beyond each page's plain GET.
EXTRA_URLS = (
    f"/people/?given_names={CHILD_GIVEN}&family_name={CHILD_FAMILY}",
    f"/people/?given_names={CHILD_GIVEN}&family_name={CHILD_FAMILY}&weak=1",
    "/contacts/?rag=RED",
    "/contacts/?cp=1",
    "/contacts/?overdue=1",
    "/contacts/?status=INFORMATION_SHARING",
    f"/partner/export/?{_EXPORT_PERIOD}",
    "/partner/?show=done",
    "/teams/",
    "/teams/mash/",
    "/duplicates/",
)
EXTRA_API = (
    ("GET", "/api/v1/information-requests", A("", query="show=done")),
    (
        "GET",
        "/api/v1/exports/information-shared",
        A("", query="date_from=2026-01-01&date_to=2026-12-31"),
    ),
)


@pytest.fixture
def world(profile) -> World:
    return build_world()


@pytest.fixture
def every_log_line(caplog) -> Iterator[Any]:
    """Every record any logger emits at DEBUG and above, including loggers that do not
    propagate to the root."""
    loggers = [logging.getLogger()] + [
        each
        for each in logging.root.manager.loggerDict.values()
        if isinstance(each, logging.Logger)
    ]
    saved = [(each, each.level) for each in loggers]
    for each in loggers:
        each.setLevel(logging.DEBUG)
        if not each.propagate:
            each.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    yield lambda: caplog.get_records("call")
    for each, level in saved:
        each.setLevel(level)
        each.removeHandler(caplog.handler)


def _body(response: HttpResponse) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def _leaks(response: HttpResponse) -> bool:
    headers = " ".join(f"{key}: {value}" for key, value in response.items())
    return CANARY in _body(response) or CANARY in headers


def _page_urls(world: World) -> list[str]:
    return [page_url(name, entry, world) for name, entry in sorted(PAGES.items())] + list(
        EXTRA_URLS
    )


def _api_calls(world: World) -> list[tuple[str, str, A]]:
    calls = [(method, api_path(path, world), entry) for (method, path), entry in API.items()]
    return calls + [(method, path, entry) for method, path, entry in EXTRA_API]


def crawl(world: World, persona: str) -> list[str]:
    """GET every page as `persona`; the URLs whose answer carries the canary."""
    client = world.client_for(persona)
    leaked = []
    for url in _page_urls(world):
        cache.clear()
        if _leaks(rolled_back(client.get, url)):
            leaked.append(url)
    return leaked


def crawl_api(world: World, token_of: str) -> list[str]:
    """Every API operation with `token_of`'s token (or none); where the canary came back."""
    token = world.tokens.get(token_of)
    leaked = []
    for method, path, entry in _api_calls(world):
        response = rolled_back(api_request, Client(), method, path, entry, token)
        if _leaks(response):
            leaked.append(f"{method} {path}")
    return leaked


def test_the_canary_never_reaches_anyone_who_may_not_see_it(world, every_log_line):
    leaks = {persona: crawl(world, persona) for persona in MAY_NOT_SEE}
    leaks |= {f"token:{name}": crawl_api(world, name) for name in API_MAY_NOT_SEE}
    assert {who: urls for who, urls in leaks.items() if urls} == {}
    records = every_log_line()
    logged = [r for r in records if CANARY in r.getMessage() or CANARY in str(r.exc_text)]
    assert logged == []
    assert len(records) > 0  # the crawl did log (404s, 403s): the capture works


def test_the_crawl_finds_the_canary_where_it_may_be_seen(world):
    """The positive control: the same crawl detects the marker for people who may see it."""
    sam = set(crawl(world, "sam"))
    contact = world.objects["contact"]
    assert f"/contacts/{contact}/information-sharing/" in sam  # the MAIS record (MA-6)
    assert f"/meetings/{world.objects['meeting']}/" in sam
    polly = set(crawl(world, "polly"))
    assert f"/partner/requests/{world.objects['police_request']}/" in polly  # its own answer
    assert f"/meetings/{world.objects['meeting']}/" in polly  # the police's copy (MA-7)
    assert f"/partner/export/?{_EXPORT_PERIOD}" in polly  # MA-8
    police = set(crawl_api(world, "police"))
    assert f"GET /api/v1/information-requests/{world.objects['police_request']}" in police
    assert "GET /api/v1/exports/information-shared" in police


def test_searches_and_counts_show_nothing_of_the_case_to_those_not_asked(world):
    """The child's name finds nothing for the health officer (no search at all), and no count
    anywhere counts the police's request: the workspace (open and answered) and the API list
    are empty."""
    hana = world.client_for("hana")
    assert hana.get(EXTRA_URLS[0]).status_code == 403
    workspace = _body(hana.get("/partner/")) + _body(hana.get("/partner/?show=done"))
    reference = world.objects["reference"]
    assert CHILD_FAMILY not in workspace and reference not in workspace
    health = Client()
    listed = health.get(
        "/api/v1/information-requests",
        headers={"Authorization": f"Bearer {world.tokens['health']}"},
    ).json()
    assert listed == []
    polly = _body(world.client_for("polly").get("/partner/?show=done"))
    assert reference in polly  # the control: the police's workspace lists the case
