from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from mash.core.navigation import navigation

pytestmark = pytest.mark.urls("mash.core.tests.urls")


def request_for(path: str, signed_in: bool = True) -> object:
    request = RequestFactory().get(path)
    request.user = SimpleNamespace(is_authenticated=signed_in)
    return request


def active(items: list[dict]) -> list[tuple[str, bool]]:
    return [(item["text"], item["current"]) for item in items if item.get("active")]


def test_mash_staff_get_the_front_door_items() -> None:
    items = navigation(request_for("/accessibility/"))
    assert [(item["text"], item["href"]) for item in items] == [
        ("Queue", "/contacts/"),
        ("Record a contact", "/contacts/record/"),
        ("Find a child", "/people/search/"),
        ("Team inboxes", "/teams/"),
        ("MASH meetings", "/meetings/"),
        ("Disputes", "/disputes/"),
        ("Emails and letters", "/messages/"),
    ]
    assert active(items) == []


def test_managers_and_the_auditor_also_get_reports() -> None:
    request = request_for("/reports/")
    request.user.has_role = lambda *roles: "TEAM_MANAGER" in roles
    items = navigation(request)
    assert [item["text"] for item in items][-2:] == ["Emails and letters", "Reports"]
    assert active(items) == [("Reports", True)]
    request.user.has_role = lambda *roles: False  # a social worker
    assert "Reports" not in [item["text"] for item in navigation(request)]


def test_partner_officers_get_only_their_workspace_items() -> None:
    request = request_for("/partner/")
    request.user.is_partner = lambda: True
    request.user.is_mash_staff = lambda: False
    items = navigation(request)
    assert [(item["text"], item["href"]) for item in items] == [
        ("Requests for information", "/partner/"),
        ("MASH meeting records", "/meetings/"),
        ("Download our records", "/partner/export/"),
    ]
    assert active(items) == [("Requests for information", True)]


def test_nobody_signed_in_gets_no_navigation() -> None:
    assert navigation(request_for("/contacts/", signed_in=False)) == []
    assert navigation(None) == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/contacts/", [("Queue", True)]),
        ("/contacts/8a1c/", [("Queue", False)]),
        ("/contacts/record/", [("Record a contact", True)]),
        ("/people/search/?q=Hughes", [("Find a child", True)]),
    ],
)
def test_the_longest_matching_item_is_active(path: str, expected: list) -> None:
    assert active(navigation(request_for(path))) == expected


def test_someone_both_partner_and_staff_gets_each_place_once() -> None:
    request = request_for("/partner/")
    request.user.is_partner = lambda: True
    request.user.is_mash_staff = lambda: True
    hrefs = [item["href"] for item in navigation(request)]
    assert len(hrefs) == len(set(hrefs))
    assert "/partner/" in hrefs and "/contacts/" in hrefs
