"""The world the authorization matrix and the confidential canary crawl run in (ADR 0012).

Built once per test through the product's services: a contact screened RED on which the
police were asked and answered (their answer carries the canary), sent back and then asked of
probation (still open), discussed at an issued MASH meeting, with a strategy discussion and an
action; a second contact the police dispute; a missing-child review and the Disabled
Children's Team's criteria due on the first contact; a merged pair of duplicate records; a
contact the police sent through the partner API. Health was never asked about anything.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import _persona, contact_details, screen_at_threshold
from mash.accounts.models import Agency, Role, Team, User
from mash.api.models import PartnerApiClient
from mash.contacts import services as contacts
from mash.disputes import services as disputes
from mash.meetings import services as meetings
from mash.policy.catalogue import explain
from mash.routing import tasks
from mash.routing.models import TaskKind
from mash.sharing import services as sharing

# Unique per run: it can only appear in a response by leaking from the police's answer.
CANARY = f"CANARY-{uuid.uuid4().hex}"
CHILD_GIVEN, CHILD_FAMILY = "Zephyrine", "Quillfeather"

# Every persona of the matrix, in the order the rows' letters follow (see the matrix test).
PERSONAS = (
    "carys",  # customer advisor, MASH team (front door)
    "sam",  # MASH social worker, MASH team
    "priya",  # practice manager
    "meera",  # team manager
    "sonia",  # service manager
    "hollie",  # head of service
    "adrian",  # assistant director
    "maya",  # missing coordinator (SP-2): has a part in the first contact
    "dara",  # Disabled Children's Team worker (SC-8): has a part in the first contact
    "aled",  # auditor
    "simon",  # system administrator: no child's record
    "polly",  # police partner officer: the police were asked
    "hana",  # health partner officer: health was never asked
    "anonymous",
)
API_PERSONAS = ("police", "health", "none")  # a token of an agency asked, one not asked, none

_ROLES = {
    "carys": (Role.CUSTOMER_ADVISOR, "csc", "mash"),
    "sam": (Role.MASH_SOCIAL_WORKER, "csc", "mash"),
    "priya": (Role.PRACTICE_MANAGER, "csc", "mash"),
    "meera": (Role.TEAM_MANAGER, "csc", "mash"),
    "sonia": (Role.SERVICE_MANAGER, "csc", "mash"),
    "hollie": (Role.HEAD_OF_SERVICE, "csc", "mash"),
    "adrian": (Role.ASSISTANT_DIRECTOR, "csc", "mash"),
    "maya": (Role.MISSING_COORDINATOR, "csc", "missing"),
    "dara": (Role.DCT_WORKER, "csc", "dct"),
    "aled": (Role.AUDITOR, "csc", ""),
    "simon": (Role.SYSTEM_ADMINISTRATOR, "csc", ""),
    "polly": (Role.PARTNER_OFFICER, "police", ""),
    "hana": (Role.PARTNER_OFFICER, "health", ""),
}


@dataclass
class World:
    users: dict[str, User]
    objects: dict[str, Any]
    tokens: dict[str, str]
    extra: dict[str, Any] = field(default_factory=dict)

    def client_for(self, persona: str) -> Client:
        """A client signed in as `persona`, kept between requests (signing in is the slow
        part); signed in again if a page signed it out."""
        client = self.extra.get(persona)
        if client is None:
            client = self.extra[persona] = Client()
        if persona != "anonymous":
            cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
            if cookie is None or not cookie.value:
                client.force_login(self.users[persona])
        return client


def agency(kind: str) -> Agency:
    if kind == "csc":
        return Agency.objects.get(is_childrens_social_care=True)
    return Agency.objects.filter(kind=kind).order_by("code").first()


def _users() -> dict[str, User]:
    users = {}
    for name, (role, agency_kind, team_code) in _ROLES.items():
        user = _persona(name, role, agency(agency_kind))
        user.memberships.update(team=Team.objects.filter(code=team_code).first())
        users[name] = user
    return users


def _answer(request: Any, partner: User, note: str) -> None:
    sharing.record_contribution(
        request,
        by=partner,
        answer=sharing.Answer(
            kind="INFORMATION",
            information=f"Two domestic call-outs in May ({note}) {CANARY}",
            analysis=f"Escalating pattern of violence at home. {CANARY}",
            heightens_concern=True,
            heightens_concern_reason=f"A weapon was seen. {CANARY}",
            has_confidential_information=True,
            confidential_holder=f"DI Shah, public protection unit {CANARY}",
        ),
    )


def _screened_and_answered(
    u: dict[str, User], adults: tuple[Any, ...] = (), **details: Any
) -> tuple[Any, Any]:
    child = contacts.PersonDetails(
        given_names=CHILD_GIVEN, family_name=CHILD_FAMILY, date_of_birth=date(2017, 3, 9)
    )
    contact = contacts.record_contact(
        by=u["carys"], people=[child, *adults], **contact_details(**details)
    )
    screen_at_threshold(contact, checked_by=u["sam"], screened_by=u["priya"])
    [request] = sharing.request_checks(
        contact,
        by=u["sam"],
        agency_codes=[agency("police").code],
        concern_summary="Bruising seen at school.",
        question="What does your agency hold about this family?",
        legal_basis="CA1989_S47",
    )
    _answer(request, u["polly"], contact.reference)
    sharing.complete_checks(contact, by=u["sam"])
    contacts.recommend_outcome(contact, by=u["sam"], outcome="S17", rationale="r", analysis="a")
    return contact, request


def _letters(u: dict[str, User]) -> dict[str, Any]:
    """A decided contact with its outcome letters (OU-4): the manager held the parents' two
    letters (CO-1) and released one; the referrer gave no address, so theirs waits for one."""
    from mash.letters import services as letters

    parents = tuple(
        contacts.PersonDetails(
            kind="ADULT",
            given_names=name,
            family_name=CHILD_FAMILY,
            address="1 Test Street\nNorthampton",
            postcode="NN1 1AA",
            has_parental_responsibility=True,
        )
        for name in ("Ada", "Bram")
    )
    contact, _ = _screened_and_answered(u, adults=parents)
    contacts.decide(
        contact,
        by=u["meera"],
        agrees=True,
        outcome="S17",
        rationale="r",
        team=contacts.suggested_team(contact, "S17"),
        hold_parent_letters=True,
        hold_reason="Police to visit first.",
    )
    held, released = contact.letters.filter(audience="PARENT").order_by("addressee_name")
    letters.release(released, by=u["meera"], reason="Police have visited.")
    return {
        "letter_contact": contact.pk,
        "letter": released.pk,
        "held_letter": held.pk,
        "unaddressed_letter": contact.letters.get(audience="REFERRER").pk,
    }


def _a_merge(by: User) -> Any:
    from mash.matching import services as matching
    from mash.matching.models import PossibleDuplicate
    from mash.people.models import Person

    born = date(2016, 2, 1)
    Person.objects.create(given_names="Ava", family_name="Reid", date_of_birth=born)
    Person.objects.create(given_names="Ava", family_name="Reed", date_of_birth=born)
    matching.find_duplicates(engine="ours")
    pair = PossibleDuplicate.objects.get(first__given_names="Ava")
    merge = matching.merge_people(
        kept=pair.first, merged=pair.second, by=by, reason="Same child", duplicate=pair
    )
    return pair, merge


def _task(contact: Any, kind: str, label: str, rule: str) -> Any:
    return tasks.ensure_task(contact, kind, label, None, explain(rule, label))


def _api_contact(token: str) -> str:
    """A contact the police sent through the partner API (its status is theirs to read)."""
    body = {
        "purpose": "PROVISION_OF_INFORMATION",
        "referrer": {"name": "PC Jones", "role": "Response officer", "phone": "01632 960001"},
        "children": [
            {"given_names": "Lily", "family_name": "Brown", "date_of_birth": "2016-02-29"}
        ],
        "concern_summary": "Domestic incident attended; children present.",
    }
    response = Client().post(
        "/api/v1/contacts",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "world-000001"},
    )
    assert response.status_code == 201, response.content
    return str(response.json()["reference"])


def _data_protection(u: dict[str, User], contact: Any) -> tuple[Any, Any, Any]:
    """A subject access request for the child, produced (so an item is withheld: the police's
    answer, CO-5), and a retention review due on the first contact."""
    from mash.dataprotection import services as dataprotection
    from mash.dataprotection.models import RetentionReview

    person = contact.children().get().person
    sar = dataprotection.record_subject_access_request(
        person,
        by=u["priya"],
        details=dataprotection.RequestDetails(
            requester_name="The child's mother",
            requester_relationship="PARENT",
            received_on=timezone.localdate(),
            identity_checked=True,
            identity_check="Passport seen.",
        ),
    )
    dataprotection.produce_export(sar, by=u["priya"])
    withheld = sar.withheld_items.first()
    # What `retention review` finds for a closed contact past its date (tested on its own in
    # mash/dataprotection/tests/test_retention.py); the matrix needs only one to open.
    review = RetentionReview.objects.create(
        contact=contact,
        reference=contact.reference,
        rule_id="RT-3",
        rule_title="No further action",
        review_due_on=timezone.localdate(),
        explanation="Six years after closure.",
        found_at=timezone.now(),
    )
    return sar, withheld, review


def _a_notification(contact: Any) -> uuid.UUID:
    """An outbox row about the first contact (the messages page lists it; ADR 0018)."""
    from django.db import transaction

    from mash.notifications import services as outbox

    with transaction.atomic():
        return outbox.enqueue(
            kind="referral_acknowledgement",
            channel="email",
            recipient="referrer@school.example",
            template="referral_acknowledgement",
            subject=f"We have received your contact: reference {contact.reference}",
            body="Synthetic message.",
            contact_id=contact.pk,
        ).id


def _written_confirmation(u: dict[str, User], contact: Any) -> Any:
    """The referrer's written confirmation (IN-7), with a file to download."""
    from mash.contacts.attachments import Attachment

    contacts.record_written_confirmation(
        contact,
        by=u["carys"],
        note="MARF by secure email.",
        how="SECURE_EMAIL",
        attachment=Attachment("marf.pdf", "application/pdf", b"%PDF-1.4\n% synthetic\n"),
    )
    return contact.written_confirmations.get()


def build_world() -> World:
    """Everything the matrix's URLs point at; see the module docstring."""
    u = _users()
    contact, police_request = _screened_and_answered(u)
    contacts.return_contact(contact, by=u["meera"], to="INFORMATION_SHARING", reason="Probation")
    [probation_request] = sharing.request_checks(
        contact,
        by=u["sam"],
        agency_codes=[agency("probation").code],
        concern_summary="c",
        question="q",
        legal_basis="CA1989_S47",
    )
    meeting = meetings.record_mash_meeting(
        by=u["sam"],
        held_at=timezone.now(),
        chair=u["meera"],
        attendees=[
            meetings.Attendee(agency("police").code, "DS Hughes"),
            meetings.Attendee(agency("health").code, "Nurse Patel"),
        ],
    )
    # Only the police were asked about this case: only the police's copy shows it (MA-7).
    meetings.discuss_case(
        meeting,
        by=u["sam"],
        contact=contact,
        analysis=f"Police concern {CANARY}",
        recommendation="S17",
    )
    meetings.issue_meeting(meeting, by=u["meera"])
    strategy = meetings.record_strategy_discussion(
        contact,
        by=u["sam"],
        kind="MEETING",
        held_at=timezone.now() - timedelta(minutes=5),
        chair=u["meera"],
        attendees=[
            meetings.Attendee(agency("police").code, "DS Hughes"),
            meetings.Attendee(agency("health").code, "Nurse Patel"),
        ],
        outcome="NO_S47",
        rationale="Needs met under section 17.",
        actions=[
            meetings.ActionItem(
                "Visit the family",
                "DS Hughes",
                agency("police").code,
                timezone.localdate() + timedelta(days=7),
            )
        ],
    )
    disputed, _ = _screened_and_answered(u)
    dispute = disputes.raise_dispute(disputed, by=u["polly"], reason="Higher risk.")
    police_task = _task(contact, TaskKind.POLICE_INFORMED, "Tell the police now", "IN-12")
    _task(contact, TaskKind.MISSING_REVIEW, "Missing Coordinators' review", "SP-2")
    _task(contact, TaskKind.DCT_ELIGIBILITY, "Check the DCT criteria", "SC-8")
    pair, merge = _a_merge(u["meera"])
    police_client, police_token = PartnerApiClient.issue(
        name="Police case system", agency=agency("police"), referrer_source="6"
    )
    _, health_token = PartnerApiClient.issue(
        name="Health system", agency=agency("health"), referrer_source="3"
    )
    sar, withheld, retention_review = _data_protection(u, contact)
    confirmation = _written_confirmation(u, contact)
    objects = {
        "sar": sar.pk,
        "withheld": withheld.pk,
        "retention_review": retention_review.pk,
        "contact": contact.pk,
        "reference": contact.reference,
        "contact_person": contact.children().get().pk,
        "person": contact.children().get().person_id,
        "police_request": police_request.pk,
        "probation_request": probation_request.pk,
        "meeting": meeting.pk,
        "strategy": strategy.pk,
        "strategy_action": strategy.actions.get().pk,
        "dispute": dispute.pk,
        "task": police_task.pk,
        "duplicate": pair.pk,
        "merge": merge.pk,
        "team": "mash",
        "year": 2026,  # a CIN census year (issue 8 §4)
        "api_contact": _api_contact(police_token),
        "disputed": disputed.pk,
        "notification": _a_notification(contact),
        "written_confirmation": confirmation.pk,
        **_letters(u),
    }
    return World(users=u, objects=objects, tokens={"police": police_token, "health": health_token})
