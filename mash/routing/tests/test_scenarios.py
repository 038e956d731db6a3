"""Every worked example in docs/domain/scenarios/routing.yaml, through the product's services.

Each scenario id has one handler below (HANDLERS); a scenario without a handler fails
`test_every_scenario_has_a_handler`. Each handler runs under the scenario's profile (the
`profile` marker of mash/routing/tests/conftest.py) and reads its given/expect values from
the file where they are data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.http import Http404
from django.utils import timezone

from conftest import _persona, child, screen_at_threshold
from mash.accounts.models import Agency, Role, Team
from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.contacts.models import Contact
from mash.core.errors import ApplicationError, InvalidInput
from mash.meetings import services as meetings
from mash.meetings.models import StrategyDiscussion
from mash.meetings.services import Attendee
from mash.policy.profiles import Profile
from mash.routing import selectors as routing_selectors
from mash.routing import services as routing
from mash.routing.models import Destination
from mash.routing.tests.conftest import known_child, link_children
from mash.sharing import selectors as sharing_selectors
from mash.sharing import services as sharing
from mash.sharing.models import Contribution

REPO = Path(__file__).resolve().parents[3]
SCENARIOS_PATH = REPO / "docs/domain/scenarios/routing.yaml"
LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


def _scenarios() -> list[dict[str, Any]]:
    if not SCENARIOS_PATH.exists():
        return []
    loaded = yaml.safe_load(SCENARIOS_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, list)
    return loaded


SCENARIOS = _scenarios()


@dataclass(frozen=True)
class World:
    """The personas and helpers of the root conftest, under the scenario's profile."""

    profile: Profile
    make_contact: Callable[..., Contact]
    carys: Any
    sam: Any
    priya: Any
    meera: Any
    polly: Any
    client: Any


def _suggestion(contact: Contact):
    suggestion = routing.current_suggestion(contact)
    assert suggestion is not None
    return suggestion


def _assert_explained(suggestion, rule: str) -> None:
    """The rule decides it, with a reason and a source (and the seed's words)."""
    assert rule in suggestion.rule_ids
    deciding = next(e for e in suggestion.explained() if e.rule_id == rule)
    assert deciding.reason.strip() and deciding.source.strip()


# --------------------------------------------------------------------------- routing


def open_case_goes_to_allocated_worker(scenario: dict[str, Any], w: World) -> None:
    """IN-6: a referral about an open case goes to the allocated social worker, not screening."""
    given, expect = scenario["given"], scenario["expect"]
    assert given["child"] == "open to social care"
    worker = given["allocated_worker"]
    team = w.profile.teams_of_kind("duty_assessment")[0]
    person = known_child(team=team.code, worker=worker, started=date(2026, 1, 5))
    contact = w.make_contact()

    link_children(contact, person, by=w.sam)

    suggestion = _suggestion(contact)
    assert suggestion.destination == Destination.ALLOCATED_WORKER
    assert suggestion.destination != Destination.MASH_SCREENING
    assert (suggestion.team.code, suggestion.worker) == (team.code, worker)
    _assert_explained(suggestion, expect["rule"])
    # Not through screening: screening waits on the route, naming the rule.
    blocker = routing.screening_blocker(contact)
    assert blocker is not None and expect["rule"] in blocker.rule_ids
    with pytest.raises(ApplicationError) as refused:
        screen_at_threshold(contact, checked_by=w.sam, screened_by=w.priya)
    assert expect["rule"] in refused.value.rule_ids
    routing.accept_route(contact, by=w.carys)
    contact.refresh_from_db()
    assert contact.status == Contact.Status.PASSED_ON
    assert contact.held_by == Team.objects.get(code=team.code)


def open_to_early_help_no_harm(scenario: dict[str, Any], w: World) -> None:
    """SC-7: open to early help and nothing suggests harm → the named early help worker."""
    given, expect = scenario["given"], scenario["expect"]
    assert given["child"] == "open to early help" and given["suggests_harm"] is False
    worker = given["named_worker"]
    person = known_child(
        service="EARLY_HELP", team="early-help", worker=worker, started=date(2026, 6, 1)
    )
    contact = w.make_contact(concern_categories=[], child_protection_concern=False)

    link_children(contact, person, by=w.sam)

    suggestion = _suggestion(contact)
    assert suggestion.destination == Destination.EARLY_HELP_WORKER
    assert (suggestion.team.code, suggestion.worker) == ("early-help", worker)
    _assert_explained(suggestion, expect["rule"])
    assert suggestion.explained()[0].quote == w.profile.routing.open_to_early_help_quote.text


def fgm_always_information_sharing(scenario: dict[str, Any], w: World) -> None:
    """SP-3: FGM always goes to MASH information sharing, whatever the threshold suggests:
    green at a level below the threshold is refused, naming SP-3; red or amber goes on."""
    given, expect = scenario["given"], scenario["expect"]
    assert given["concerns"] == ["female genital mutilation"]
    assert given["threshold_suggestion"] == "not met"
    rule = expect["rule"]
    first, second = (w.make_contact(concern_categories=["fgm"]) for _ in range(2))

    for contact in (first, second):
        suggestion = _suggestion(contact)
        assert suggestion.destination == Destination.MASH_INFORMATION_SHARING
        assert suggestion.required
        _assert_explained(suggestion, rule)
        assert suggestion.explained()[0].quote == w.profile.quote(rule).text
        for person in contact.children():
            contacts.confirm_new_person(person, by=w.sam)
        assert _suggestion(contact).destination == Destination.MASH_INFORMATION_SHARING

    # A manager cannot route it elsewhere: the rule requires the route.
    with pytest.raises(ApplicationError) as chosen:
        routing.choose_route(
            first, by=w.priya, destination="MASH_SCREENING", team="", reason="Not met."
        )
    assert rule in chosen.value.rule_ids and rule in chosen.value.message

    below = [lvl for lvl in w.profile.threshold_model.levels if not lvl.meets_social_care_threshold]
    assert below
    for level in below:
        with pytest.raises(ApplicationError) as refused:
            contacts.screen_contact(
                first,
                by=w.priya,
                threshold_level=level.code,
                rag="GREEN",
                consent="GIVEN",
                rationale="The threshold is not met.",
            )
        assert rule in refused.value.rule_ids, level.code
        assert f"({rule})" in refused.value.message
    first.refresh_from_db()
    assert first.status == Contact.Status.RECEIVED

    for contact, rag in ((first, "RED"), (second, "AMBER")):
        contacts.screen_contact(
            contact,
            by=w.priya,
            threshold_level="mash-information-sharing",
            rag=rag,
            consent="GIVEN",
            rationale="FGM concern: partners share information.",
        )
        contact.refresh_from_db()
        assert contact.status == Contact.Status.INFORMATION_SHARING, rag


def recently_closed_to_dct(scenario: dict[str, Any], w: World) -> None:
    """TS-10 (Calderdale): closed to the Disabled Children's Team within 3 months → its inbox."""
    given, expect = scenario["given"], scenario["expect"]
    assert "Disabled Children's Team" in given["child"]
    closed_on = date.fromisoformat(re.search(r"\d{4}-\d{2}-\d{2}", given["child"]).group())
    received = given["received"]
    received = received if isinstance(received, date) else date.fromisoformat(str(received))
    dct = w.profile.teams_of_kind("dct")[0]
    person = known_child(
        service="DCT", team=dct.code, worker="Dana Price", started=date(2025, 4, 1), ended=closed_on
    )
    contact = w.make_contact(received_at=datetime.combine(received, time(10, 30), tzinfo=LONDON))

    link_children(contact, person, by=w.sam)

    suggestion = _suggestion(contact)
    assert suggestion.destination == Destination.PREVIOUS_TEAM
    assert suggestion.team.code == dct.code
    assert suggestion.team.name == "Disabled Children's Team"
    _assert_explained(suggestion, expect["rule"])
    assert suggestion.explained()[0].quote == w.profile.quote("TS-10").text
    routing.accept_route(contact, by=w.carys)
    assert list(routing_selectors.inbox(suggestion.team)) == [contact]


# --------------------------------------------------------------------------- guards


def strategy_meeting_needs_police_and_health(scenario: dict[str, Any], w: World) -> None:
    """OU-2: without health the meeting is not quorate and no s47 decision can come of it."""
    assert scenario["given"]["strategy_meeting_attendees"] == [
        "team manager (chair)",
        "police",
        "social worker",
    ]
    rule = scenario["expect"]["rule"]
    contact = screen_at_threshold(w.make_contact(), checked_by=w.sam, screened_by=w.priya)
    attendees = [
        Attendee(w.polly.primary_agency().code, "DS Hughes", "Detective sergeant"),
        Attendee(Agency.objects.get(is_childrens_social_care=True).code, "Sam", "Social worker"),
    ]

    def record(outcome: str) -> StrategyDiscussion:
        return meetings.record_strategy_discussion(
            contact,
            by=w.sam,
            kind=StrategyDiscussion.Kind.MEETING,
            held_at=timezone.now() - timedelta(minutes=10),
            chair=w.meera,
            attendees=attendees,
            outcome=outcome,
            rationale="Disclosure at school.",
        )

    for outcome in (StrategyDiscussion.Outcome.S47, StrategyDiscussion.Outcome.NO_S47):
        with pytest.raises(InvalidInput) as refused:
            record(outcome)
        assert rule in refused.value.rule_ids
        assert "quorate only with the police and health" in refused.value.message
    assert not StrategyDiscussion.objects.exists()

    inquorate = record(StrategyDiscussion.Outcome.NOT_QUORATE)
    assert not inquorate.quorate
    assert not StrategyDiscussion.objects.filter(quorate=True).exists()


def anonymous_referrer_stays_anonymous(scenario: dict[str, Any], w: World) -> None:
    """IN-9: an anonymous referrer is recorded as such, with no identity to disclose; partner
    agencies see the people to search for, never the referrer."""
    given = scenario["given"]
    assert given["referrer"] == "member of the public" and given["anonymous"] is True
    anonymous = Contact.ReferrerSource.ANONYMOUS
    assert anonymous in Contact.NON_PROFESSIONAL_SOURCES

    with pytest.raises(InvalidInput) as refused:
        w.make_contact(referrer_source=anonymous, referrer_name="Mrs Neighbour")
    assert any("IN-9" in p.rule_ids for p in refused.value.problems)

    contact = w.make_contact(referrer_source=anonymous, referrer_name="", referrer_phone="")
    assert contact.is_anonymous and not contact.referrer_details_disclosable
    assert (contact.referrer_name, contact.referrer_phone, contact.referrer_email) == ("", "", "")
    assert "IN-9" in AuditEvent.objects.get(action="contact.recorded").rule_ids

    # A member of the public who gave their name, without consenting to its disclosure.
    named = w.make_contact(
        referrer_source=Contact.ReferrerSource.INDIVIDUAL_OTHER,
        referrer_name="Mrs Neighbour",
        referrer_phone="01632 960777",
        people=[child(given_names="Mia")],
    )
    assert not named.referrer_details_disclosable

    for found in (contact, named):
        screened = screen_at_threshold(found, checked_by=w.sam, screened_by=w.priya)
        [request] = sharing.request_checks(
            screened,
            by=w.sam,
            agency_codes=[w.polly.primary_agency().code],
            concern_summary="Bruising seen.",
            question="What do you hold?",
            legal_basis="CA1989_S47",
        )
        people = sharing_selectors.people_for_partner(screened)
        assert [p.kind for p in people] == ["CHILD"]
        w.client.force_login(w.polly)
        page = html.unescape(w.client.get(f"/partner/requests/{request.pk}/").content.decode())
        assert people[0].given_names in page
        for detail in ("Mrs Neighbour", "01632 960777", "Ms Teacher", "Anonymous"):
            assert detail not in page, detail


def confidential_partner_information(scenario: dict[str, Any], w: World) -> None:
    """CO-5: a partner marks information confidential: only that it exists and who holds it
    is recorded and shown; other agencies see none of the police's answer (CO-4)."""
    given = scenario["given"]
    assert given["partner"] == "police" and given["marks_information"] == "confidential"
    rule = scenario["expect"]["rule"]
    holder = "DS Khan, South Yorkshire Police intelligence unit, 01632 960555"
    health = Agency.objects.filter(kind="health").order_by("code").first()
    hana = _persona("hana", Role.PARTNER_OFFICER, health)
    contact = screen_at_threshold(w.make_contact(), checked_by=w.sam, screened_by=w.priya)
    police_request, health_request = sorted(
        sharing.request_checks(
            contact,
            by=w.sam,
            agency_codes=[w.polly.primary_agency().code, health.code],
            concern_summary="Bruising seen.",
            question="What do you hold?",
            legal_basis="CA1989_S47",
        ),
        key=lambda r: r.agency.code != w.polly.primary_agency().code,
    )

    without_holder = sharing.Answer(
        kind="INFORMATION", analysis="There is more.", has_confidential_information=True
    )
    with pytest.raises(InvalidInput) as refused:
        sharing.record_contribution(police_request, by=w.polly, answer=without_holder)
    assert any(rule in p.rule_ids for p in refused.value.problems)

    answer = sharing.record_contribution(
        police_request,
        by=w.polly,
        answer=sharing.Answer(
            kind="INFORMATION",
            analysis="The police hold intelligence that raises the risk.",
            has_confidential_information=True,
            confidential_holder=holder,
        ),
    )
    assert answer.information == "" and answer.confidential_holder == holder
    assert rule in AuditEvent.objects.get(action="sharing.contribution_recorded").rule_ids

    w.client.force_login(w.sam)
    mais = html.unescape(
        w.client.get(f"/contacts/{contact.pk}/information-sharing/").content.decode()
    )
    assert "Confidential information held" in mais and holder in mais

    w.client.force_login(hana)
    page = html.unescape(w.client.get(f"/partner/requests/{health_request.pk}/").content.decode())
    assert holder not in page and "raises the risk" not in page
    with pytest.raises(Http404):
        sharing_selectors.access_request(hana, police_request.pk)
    assert list(Contribution.objects.filter(request=health_request)) == []


HANDLERS: dict[str, Callable[[dict[str, Any], World], None]] = {
    "open-case-goes-to-allocated-worker": open_case_goes_to_allocated_worker,
    "open-to-early-help-no-harm": open_to_early_help_no_harm,
    "fgm-always-information-sharing": fgm_always_information_sharing,
    "recently-closed-to-dct": recently_closed_to_dct,
    "strategy-meeting-needs-police-and-health": strategy_meeting_needs_police_and_health,
    "anonymous-referrer-stays-anonymous": anonymous_referrer_stays_anonymous,
    "confidential-partner-information": confidential_partner_information,
}


@pytest.mark.skipif(not SCENARIOS_PATH.exists(), reason=f"scenario file missing: {SCENARIOS_PATH}")
def test_every_scenario_has_a_handler() -> None:
    """A new worked example without a test fails here; so does a handler for a removed one."""
    ids = [s["id"] for s in SCENARIOS]
    assert len(ids) == len(set(ids)), "scenario ids must be unique"
    assert set(ids) == set(HANDLERS)


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(s, id=s["id"], marks=pytest.mark.profile(s["profile"]))
        for s in SCENARIOS
        if s["id"] in HANDLERS
    ],
)
def test_scenario(
    scenario: dict[str, Any], profile, make_contact, carys, sam, priya, meera, polly, client
) -> None:
    """The worked example, under its own profile, through the services."""
    assert profile.id == scenario["profile"]
    world = World(profile, make_contact, carys, sam, priya, meera, polly, client)

    HANDLERS[scenario["id"]](scenario, world)
