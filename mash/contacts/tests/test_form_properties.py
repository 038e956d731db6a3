"""Property tests (hypothesis) on the forms, through the Django test client (issue 6 §6).

Whatever is typed (any unicode, huge, empty, malformed dates and times, choices that are not
on the list) the page answers 200/302/400 (409 on a step someone else has moved on), never a
server error; refusals are plain-English sentences; what was typed comes back, HTML-escaped;
and a valid submission records exactly one contact.

The examples share one test database transaction (pytest-django's), so each property counts
contacts before and after its own request rather than assuming an empty table.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from conftest import screen_at_threshold, share_checks
from mash.contacts import concerns, services
from mash.contacts.models import Contact, YesNoUnknown

pytestmark = pytest.mark.django_db

bounded = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any unicode a browser can send (no lone surrogates: they cannot be encoded as UTF-8), and
# no control characters in the text checked for echo (Django refuses NUL; the others are
# covered by `anything` below).
printable = st.characters(blacklist_categories=("Cs", "Cc"))
text = st.one_of(
    st.just(""),
    st.text(printable, max_size=60),
    st.text(printable, min_size=190, max_size=260),  # around max_length=200
    st.text(printable, min_size=4000, max_size=6000).filter(lambda t: t.strip() != ""),
)
anything = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
date_part = st.one_of(
    st.just(""),
    st.integers(min_value=-5, max_value=10000).map(str),
    st.text(printable, max_size=6),
)
time_text = st.one_of(
    st.sampled_from(["", "9:30am", "14:05", "midday", "25:00", "3pm", "noon", "9.30", "0:00"]),
    st.text(printable, max_size=8),
)


def choice_or_junk(values: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(values), st.just(""), st.text(printable, max_size=12))


def plain_english(page: str) -> list[str]:
    """The error summary's messages: sentences, never a traceback or a Python value."""
    items = re.findall(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', page, re.S)
    messages = [
        re.sub(r"<[^>]+>", "", m).strip()
        for m in re.findall(r"<li>(.*?)</li>", "".join(items), re.S)
    ]
    for message in messages:
        assert message and message[0].isupper(), message
        assert "Traceback" not in message and "None" not in message.split(), message
    return messages


def shows(page: str, typed: str) -> bool:
    """What was typed is on the page, escaped the way the templates escape it."""
    return str(escape(typed)) in page


def _formsets(children: list[dict[str, str]]) -> dict[str, str]:
    data = {
        "children-TOTAL_FORMS": str(len(children)),
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "1",
        "children-MAX_NUM_FORMS": "20",
        "adults-TOTAL_FORMS": "0",
        "adults-INITIAL_FORMS": "0",
        "adults-MIN_NUM_FORMS": "0",
        "adults-MAX_NUM_FORMS": "20",
    }
    for i, child in enumerate(children):
        data |= {f"children-{i}-{key}": value for key, value in child.items()}
    return data


children = st.lists(
    st.fixed_dictionaries(
        {
            "given_names": text,
            "family_name": st.text(printable, max_size=40),
            "date_of_birth_day": date_part,
            "date_of_birth_month": date_part,
            "date_of_birth_year": date_part,
            "nhs_number": st.one_of(st.just(""), st.text("0123456789 ", max_size=14)),
        }
    ),
    min_size=1,
    max_size=2,
)
referrer_sources = [code for code, _ in Contact.ReferrerSource.choices]
yes_no = [code for code, _ in YesNoUnknown.choices]


def _shared_fields(draw: Any) -> dict[str, Any]:
    return {
        "referrer_source": draw(choice_or_junk(referrer_sources)),
        "referrer_name": draw(text),
        "referrer_email": draw(
            st.one_of(st.just(""), st.emails(), st.text(printable, max_size=20))
        ),
        "concern_summary": draw(text),
        "immediate_protection_needed": draw(choice_or_junk(yes_no)),
        "parents_aware": draw(choice_or_junk(yes_no)),
        "parents_consent": draw(choice_or_junk(yes_no)),
        "parents_not_informed_reason": draw(st.text(printable, max_size=30)),
        "concern_categories": draw(
            st.lists(choice_or_junk(sorted(concerns.CODES)), max_size=3, unique=True)
        ),
    }


@st.composite
def staff_posts(draw: Any) -> dict[str, Any]:
    fields = _shared_fields(draw)
    return fields | {
        "received_date_day": draw(date_part),
        "received_date_month": draw(date_part),
        "received_date_year": draw(date_part),
        "received_time": draw(time_text),
        "channel": draw(choice_or_junk([c for c, _ in Contact.Channel.choices])),
        "purpose": draw(choice_or_junk([p for p, _ in Contact.Purpose.choices])),
        **_formsets(draw(children)),
    }


@st.composite
def valid_staff_posts(draw: Any) -> dict[str, Any]:
    received = timezone.localtime() - timedelta(days=draw(st.integers(min_value=1, max_value=60)))
    summary = draw(st.text(printable, min_size=1, max_size=300).filter(lambda t: t.strip()))
    name = draw(st.text(printable, min_size=1, max_size=100).filter(lambda t: t.strip()))
    return {
        "received_date_day": str(received.day),
        "received_date_month": str(received.month),
        "received_date_year": str(received.year),
        "received_time": "10:15am",
        "channel": draw(
            st.sampled_from(
                [c for c, _ in Contact.Channel.choices if c != Contact.Channel.ONLINE_FORM]
            )
        ),
        "purpose": draw(st.sampled_from([p for p, _ in Contact.Purpose.choices])),
        "referrer_source": draw(st.sampled_from([s for s in referrer_sources if s != "9"])),
        "referrer_name": draw(st.text(printable, max_size=200)),
        "concern_summary": summary,
        "immediate_protection_needed": draw(st.sampled_from(yes_no)),
        "parents_aware": draw(st.sampled_from(["YES", "UNKNOWN"])),
        "parents_consent": draw(st.sampled_from(yes_no)),
        "concern_categories": draw(st.lists(st.sampled_from(sorted(concerns.CODES)), max_size=2)),
        **_formsets([{"given_names": name}]),
    }


def _echoed(page: str, data: dict[str, Any], names: list[str]) -> None:
    for name in names:
        assert shows(page, data[name]), f"{name} typed but not shown again"


# --------------------------------------------------------------------------- record a contact


@bounded
@given(data=staff_posts())
def test_the_staff_form_never_fails_and_keeps_what_was_typed(carys, data):
    client = Client()
    client.force_login(carys)
    before = Contact.objects.count()
    response = client.post("/contacts/new/", data)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert Contact.objects.count() == before + 1
        return
    assert Contact.objects.count() == before
    page = response.content.decode()
    assert "There is a problem" in page and plain_english(page)
    _echoed(page, data, ["referrer_name", "concern_summary"])
    _echoed(page, {"g": data["children-0-given_names"]}, ["g"])


@bounded
@given(data=valid_staff_posts())
def test_a_valid_staff_form_records_exactly_one_contact(carys, data):
    client = Client()
    client.force_login(carys)
    before = Contact.objects.count()
    response = client.post("/contacts/new/", data)
    assert response.status_code == 302, plain_english(response.content.decode())
    assert Contact.objects.count() == before + 1
    contact = Contact.objects.order_by("-created_at").first()
    assert contact.concern_summary == data["concern_summary"].strip()


@bounded
@given(extra=st.dictionaries(anything, anything, max_size=6))
def test_junk_field_names_and_control_characters_never_fail(carys, extra):
    client = Client()
    client.force_login(carys)
    response = client.post("/contacts/new/", extra)
    assert response.status_code in (200, 302, 400)


@st.composite
def public_posts(draw: Any) -> dict[str, Any]:
    return _shared_fields(draw) | _formsets(draw(children))


@bounded
@given(data=public_posts(), which=st.sampled_from(["form", "professional"]))
def test_the_public_forms_never_fail_and_keep_what_was_typed(profile, data, which):
    client = Client()
    before = Contact.objects.count()
    response = client.post(f"/request-help/{which}/", data)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert Contact.objects.count() == before + 1
        return
    assert Contact.objects.count() == before
    page = response.content.decode()
    assert plain_english(page)
    _echoed(page, data, ["referrer_name", "concern_summary"])


# --------------------------------------------------------------------------- decisions


@pytest.fixture
def awaiting_decision(received, sam, priya, polly):
    screen_at_threshold(received, checked_by=sam, screened_by=priya)
    share_checks(received, asked_by=sam, partner=polly)
    services.recommend_outcome(received, by=sam, outcome="S17", rationale="r", analysis="a")
    return received


outcomes = ["NFA", "UNIVERSAL", "EARLY_HELP", "S17", "S47"]


@bounded
@given(
    agrees=choice_or_junk(["yes", "no"]),
    outcome=choice_or_junk(outcomes),
    rationale=text,
    signposting=st.text(printable, max_size=50),
    team=st.one_of(st.just("none"), st.text(printable, max_size=10), st.just("")),
)
def test_the_decision_form_never_fails(
    awaiting_decision, meera, agrees, outcome, rationale, signposting, team
):
    client = Client()
    client.force_login(meera)
    posted = {
        "agrees": agrees,
        "outcome": outcome,
        "rationale": rationale,
        "signposting": signposting,
        "team": team,
    }
    response = client.post(f"/contacts/{awaiting_decision.pk}/decide/", posted)
    # 409 once an earlier example has decided it: the conflict page, with the text kept.
    assert response.status_code in (302, 400, 409)
    if response.status_code != 302:
        page = response.content.decode()
        assert plain_english(page)
        assert shows(page, rationale) and shows(page, signposting)


@bounded
@given(
    to=choice_or_junk(["INFORMATION_SHARING", "AWAITING_RECOMMENDATION"]),
    reason=text,
    version=st.one_of(
        st.just(""),
        st.integers(min_value=-3, max_value=10**12).map(str),
        st.text(printable, max_size=5),
    ),
)
def test_the_send_back_form_never_fails_whatever_the_version(
    awaiting_decision, meera, to, reason, version
):
    client = Client()
    client.force_login(meera)
    response = client.post(
        f"/contacts/{awaiting_decision.pk}/send-back/",
        {"to": to, "reason": reason, "version": version},
    )
    assert response.status_code in (302, 400, 409)
    if response.status_code != 302:
        page = response.content.decode()
        assert plain_english(page)
        assert shows(page, reason)
