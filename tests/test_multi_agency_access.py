"""Who may open which multi-agency page (CO-4, MA-2, MA-7, MA-8, DM-1), as a matrix.

Every URL of the sharing, partner, meetings and disputes pages must have a row here: a new
page without one fails `test_every_multi_agency_page_is_in_the_matrix`. Hana is a health
officer whose agency was not asked about the contact; Polly's police were asked.

200 = allowed, 403 = signed in but the role may not, 404 = may not know it exists (and the
attempt is audited), 302 = not signed in.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import get_resolver
from django.utils import timezone

from conftest import _persona, screen_at_threshold, share_checks
from mash.accounts.models import Agency, Role
from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.disputes import services as disputes
from mash.meetings import services as meetings
from mash.sharing import services as sharing
from mash.sharing.models import Contribution

pytestmark = pytest.mark.django_db

PERSONAS = ["carys", "sam", "priya", "meera", "sonia", "aled", "polly", "hana", None]
STAFF_ALL = [200, 200, 200, 200, 200, 200]
PRACTITIONERS = [403, 200, 200, 200, 403, 403]

MATRIX: dict[str, list[int]] = {
    # MASH staff pages on a contact: partners never open them (404).
    "sharing:mais": [*STAFF_ALL, 404, 404, 302],
    "sharing:request-checks": [*PRACTITIONERS, 404, 404, 302],
    "sharing:consent": [*PRACTITIONERS, 404, 404, 302],
    "sharing:recommend": [*PRACTITIONERS, 404, 404, 302],
    "sharing:chase": [200, 200, 200, 200, 403, 403, 404, 404, 302],
    "sharing:close-unanswered": [*PRACTITIONERS, 404, 404, 302],
    "meetings:strategy-new": [*PRACTITIONERS, 404, 404, 302],
    "meetings:strategy-detail": [*STAFF_ALL, 404, 404, 302],
    "meetings:emergency": [*PRACTITIONERS, 404, 404, 302],
    "disputes:raise": [*PRACTITIONERS, 404, 404, 302],
    # The partner workspace: only partner officers, and only their own agency's requests.
    "partner:workspace": [403, 403, 403, 403, 403, 403, 200, 200, 302],
    "partner:request": [403, 403, 403, 403, 403, 403, 200, 404, 302],
    "partner:export": [403, 403, 403, 403, 403, 403, 200, 200, 302],
    "disputes:raise-partner": [403, 403, 403, 403, 403, 403, 200, 404, 302],
    # Meetings: MASH staff; a partner sees the copies its agency receives (MA-7).
    "meetings:list": [*STAFF_ALL, 200, 200, 302],
    "meetings:new": [*PRACTITIONERS, 403, 403, 302],
    "meetings:detail": [*STAFF_ALL, 200, 404, 302],
    # Disputes: MASH staff; a partner sees the ones its agency raised (DM-1).
    "disputes:list": [*STAFF_ALL, 403, 403, 302],
    "disputes:detail": [*STAFF_ALL, 200, 404, 302],
    "contacts:detail": [*STAFF_ALL, 404, 404, 302],
}
# POST-only actions: checked by test_post_only_actions_refuse_the_wrong_people.
POST_ONLY = {"meetings:issue", "meetings:strategy-action-done"}


@pytest.fixture
def hana(profile):
    return _persona("hana", Role.PARTNER_OFFICER, Agency.objects.get(code=_code("health")))


def _code(kind: str) -> str:
    return Agency.objects.filter(kind=kind).order_by("code").first().code


@pytest.fixture
def world(make_contact, sam, priya, meera, polly, hana):
    """Two contacts screened red. On the first the police were asked and answered, then the
    manager sent it back and probation was asked and has not answered; it was discussed at
    an issued MASH meeting and a strategy meeting. On the second the police raised a dispute
    about the recommendation. Health (Hana) was never asked about either."""
    contact, disputed = make_contact(), make_contact()
    for each in (contact, disputed):
        screen_at_threshold(each, checked_by=sam, screened_by=priya)
        share_checks(each, asked_by=sam, partner=polly)
        contacts.recommend_outcome(each, by=sam, outcome="S17", rationale="r", analysis="a")
    police_request = contact.information_requests.get()
    contacts.return_contact(contact, by=meera, to="INFORMATION_SHARING", reason="Ask probation.")
    sharing.request_checks(
        contact,
        by=sam,
        agency_codes=[_code("probation")],
        concern_summary="c",
        question="q",
        legal_basis="CA1989_S47",
    )
    meeting = meetings.record_mash_meeting(
        by=sam,
        held_at=timezone.now(),
        chair=meera,
        attendees=[meetings.Attendee(_code("police"), "DS Hughes")],
    )
    meetings.discuss_case(meeting, by=sam, contact=contact, analysis="a", recommendation="S17")
    meetings.issue_meeting(meeting, by=meera)
    strategy = meetings.record_strategy_discussion(
        contact,
        by=sam,
        kind="MEETING",
        held_at=timezone.now() - timedelta(minutes=5),
        chair=meera,
        attendees=[
            meetings.Attendee(_code("police"), "DS Hughes"),
            meetings.Attendee(_code("health"), "Nurse Patel"),
        ],
        outcome="NO_S47",
        rationale="Needs met under section 17.",
    )
    dispute = disputes.raise_dispute(disputed, by=polly, reason="Higher risk.")
    return {
        "contact": contact,
        "police_request": police_request,
        "meeting": meeting,
        "strategy": strategy,
        "dispute": dispute,
    }


def _url(name: str, world) -> str:
    from django.urls import reverse

    contact = world["contact"]
    probation = contact.information_requests.get(agency__kind="probation")
    args = {
        "sharing:chase": [contact.pk, probation.pk],
        "sharing:close-unanswered": [contact.pk, probation.pk],
        "meetings:strategy-detail": [contact.pk, world["strategy"].pk],
        "partner:request": [world["police_request"].pk],
        "disputes:raise-partner": [world["police_request"].pk],
        "meetings:detail": [world["meeting"].pk],
        "disputes:detail": [world["dispute"].pk],
        "partner:workspace": [],
        "partner:export": [],
        "meetings:list": [],
        "meetings:new": [],
        "disputes:list": [],
    }.get(name, [contact.pk])
    return reverse(name, args=args)


@pytest.mark.parametrize("index", range(len(PERSONAS)), ids=[p or "anonymous" for p in PERSONAS])
def test_page_access(index, request, client, world):
    """Every page for one persona (one shared world per persona keeps the matrix quick);
    the failure lists every page whose answer differs."""
    persona = PERSONAS[index]
    if persona:
        client.force_login(request.getfixturevalue(persona))
    wrong = []
    for name in sorted(MATRIX):
        status = client.get(_url(name, world)).status_code
        if status != MATRIX[name][index]:
            wrong.append(f"{name}: {status}, expected {MATRIX[name][index]}")
    assert wrong == []


def test_every_multi_agency_page_is_in_the_matrix():
    names = set()
    resolver = get_resolver()
    for namespace in ("sharing", "partner", "meetings", "disputes"):
        patterns = resolver.namespace_dict[namespace][1].reverse_dict
        names |= {f"{namespace}:{key}" for key in patterns if isinstance(key, str)}
    assert names <= set(MATRIX) | POST_ONLY, names - set(MATRIX) - POST_ONLY


def test_refused_reads_are_audited_with_who_tried(client, world, polly, hana):
    client.force_login(hana)
    client.get(_url("partner:request", world))
    client.force_login(polly)
    client.get(_url("contacts:detail", world))
    refused = AuditEvent.objects.filter(action="access.refused")
    assert {(e.actor, e.data["what"]) for e in refused} >= {
        (hana, "information request"),
        (polly, "contact"),
    }
    assert all(e.contact_id == world["contact"].pk for e in refused)


def test_a_partner_never_sees_another_agency_s_answer_or_the_referrer(client, world, polly, hana):
    contact = world["contact"]
    client.force_login(polly)
    page = client.get(_url("partner:request", world)).content.decode()
    assert "Two domestic call-outs in May." in page  # its own answer
    assert contact.referrer_name not in page and contact.referrer_phone not in page  # IN-9
    assert not Contribution.objects.visible_to(hana).exists()
    assert {c.request.agency for c in Contribution.objects.visible_to(polly)} == {
        polly.primary_agency()
    }


def test_a_partner_cannot_answer_another_agency_s_request(client, world, hana):
    client.force_login(hana)
    response = client.post(
        _url("partner:request", world),
        {"kind": "NIL_RETURN", "heightens_concern": "no", "analysis": "x"},
    )
    assert response.status_code == 404
    assert world["police_request"].contributions.count() == 1


def test_post_only_actions_refuse_the_wrong_people(client, world, polly, carys, sam):
    from django.urls import reverse

    meeting = world["meeting"]
    for user, status in ((polly, 403), (carys, 403)):
        client.force_login(user)
        response = client.post(reverse("meetings:issue", args=[meeting.pk]))
        assert response.status_code == status
    action_url = reverse(
        "meetings:strategy-action-done",
        args=[world["contact"].pk, world["strategy"].pk, world["strategy"].pk],
    )
    client.force_login(polly)
    assert client.post(action_url).status_code == 404
    client.force_login(sam)
    assert client.post(action_url).status_code == 404  # no such action


def test_a_partner_agency_s_own_manager_is_not_a_mash_manager(client, world, police):
    """CO-4: a MASH staff role counts only in children's social care. A police Service
    Manager (DM-1's counterpart at that level) sees no contact and acts on no dispute."""
    from django.core.exceptions import ValidationError

    inspector = _persona("ian", Role.SERVICE_MANAGER, police)
    assert not inspector.is_mash_staff()
    with pytest.raises(ValidationError, match="children's social care"):
        inspector.memberships.get().full_clean()
    client.force_login(inspector)
    contact = world["contact"]
    assert client.get(f"/contacts/{contact.pk}/").status_code == 404
    assert client.get(f"/contacts/{contact.pk}/information-sharing/").status_code == 404
    assert client.get(f"/disputes/{world['dispute'].pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="access.refused", actor=inspector).count() == 3


def test_a_step_refused_by_role_is_audited_as_a_refusal_not_a_read(client, world, aled):
    contact = world["contact"]
    client.force_login(aled)  # the auditor reads, and may not record a closing note
    assert client.get(f"/contacts/{contact.pk}/close/").status_code == 403
    assert AuditEvent.objects.filter(
        action="access.refused", actor=aled, contact_id=contact.pk
    ).exists()
    assert not AuditEvent.objects.filter(
        action="contact.viewed", actor=aled, contact_id=contact.pk
    ).exists()
