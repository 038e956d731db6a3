"""The base layout: GOV.UK structure for a council service, and a CSP that matches it."""

import base64
import hashlib
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import engines
from django.test import RequestFactory, override_settings

from mash.core.middleware import SecurityHeadersMiddleware

pytestmark = pytest.mark.urls("mash.core.tests.urls")

PAGE = """{% extends "layouts/base.html" %}
{% block page_title %}Queue{% endblock %}
{% block before_content %}<a href="/" class="govuk-back-link">Back</a>{% endblock %}
{% block content %}<h1 class="govuk-heading-l">Queue</h1>{% endblock %}
"""


def make_request(path: str = "/contacts/", signed_in: bool = False) -> object:
    request = RequestFactory().get(path)
    request.user = SimpleNamespace(is_authenticated=signed_in)
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def render_page(request: object = None, source: str = PAGE, **context: object) -> str:
    return engines["jinja2"].from_string(source).render(context, request)


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_layout_structure() -> None:
    page = soup(render_page(make_request()))
    assert page.html["lang"] == "en-GB"
    assert page.title.get_text() == "Queue – Northamptonshire MASH"
    assert page.select_one("a.govuk-skip-link")["href"] == "#main-content"
    assert page.select_one("main#main-content h1").get_text() == "Queue"
    assert page.select_one(".govuk-width-container > .govuk-back-link")
    header = page.select_one("header")
    assert header.select_one(".govuk-generic-header").get_text(strip=True) == (
        "Northamptonshire MASH"
    )
    assert header.select_one(".govuk-phase-banner .govuk-tag").get_text(strip=True) == "Beta"


@override_settings(MASH_SERVICE_NAME="MASH front door")
def test_service_name_setting_wins_over_the_profile() -> None:
    assert soup(render_page(make_request())).title.get_text() == "Queue – MASH front door"


def test_no_crown_no_crown_copyright_no_gds_transport() -> None:
    html = render_page(make_request())
    assert "govuk-crest" not in html
    assert "govuk-footer__crown" not in html
    assert "Crown copyright" not in html
    assert "Open Government Licence" not in html
    assert "govuk/assets/images" not in html
    assert "govuk-header" not in html
    footer = soup(html).select_one("footer")
    assert footer.select_one("a[href='/accessibility/']").get_text(strip=True) == (
        "Accessibility statement"
    )


def test_navigation_and_sign_out_only_when_signed_in() -> None:
    anonymous = soup(render_page(make_request()))
    assert anonymous.select_one(".govuk-service-navigation") is None
    page = soup(render_page(make_request(signed_in=True)))
    nav = page.select_one("header .govuk-service-navigation")
    links = [a.get_text(strip=True) for a in nav.select("a")]
    assert links == [
        "Queue",
        "Record a contact",
        "Find a child",
        "Team inboxes",
        "MASH meetings",
        "Disputes",
        "Emails and letters",
        "Your account",  # the user's own sign-in security and password (ADR 0011)
    ]
    assert nav.select_one("[aria-current=page]").get_text(strip=True) == "Queue"
    form = nav.select_one("form")
    assert (form["method"], form["action"]) == ("post", "/accounts/sign-out/")
    assert form.select_one("input[name=csrfmiddlewaretoken]")
    assert form.select_one("button").get_text(strip=True) == "Sign out"


def test_flash_messages_become_notification_banners() -> None:
    request = make_request()
    request._messages.add(constants.SUCCESS, "Contact recorded")
    request._messages.add(constants.INFO, "3 decisions are overdue")
    banners = soup(render_page(request)).select("main .govuk-notification-banner")
    assert [b.get("role") for b in banners] == ["alert", "region"]
    assert "govuk-notification-banner--success" in banners[0]["class"]
    assert banners[0].get_text(" ", strip=True) == "Success Contact recorded"
    assert banners[1].get_text(" ", strip=True) == "Important 3 decisions are overdue"
    title_ids = [b["aria-labelledby"] for b in banners]
    assert len(set(title_ids)) == 2


def test_title_starts_with_error_when_the_form_has_errors() -> None:
    from mash.core.tests.pages import ExampleForm

    page = soup(render_page(make_request(), form=ExampleForm({})))
    assert page.title.get_text().startswith("Error: Queue")
    source = "{% set page_has_errors = true %}" + PAGE
    assert soup(render_page(make_request(), source)).title.get_text().startswith("Error: ")


def test_scripts_are_external_except_the_js_enabled_one() -> None:
    page = soup(render_page(make_request()))
    inline = [s for s in page.select("script") if not s.get("src")]
    assert len(inline) == 1
    assert "js-enabled" in inline[0].string
    external = page.select("script[src]")
    assert [(s["src"], s["type"]) for s in external] == [("/static/mash/init.js", "module")]
    assert not page.select("[style]")


def test_csp_hash_matches_the_inline_script_the_layout_emits() -> None:
    page = soup(render_page(make_request()))
    (script,) = [s for s in page.select("script") if not s.get("src")]
    digest = hashlib.sha256(script.string.encode()).digest()
    expected = f"'sha256-{base64.b64encode(digest).decode()}'"
    assert expected in SecurityHeadersMiddleware.POLICY


def test_layout_renders_without_a_request() -> None:
    page = soup(render_page(None))
    assert page.title.get_text() == "Queue – Northamptonshire MASH"
    assert page.select_one(".govuk-service-navigation") is None
