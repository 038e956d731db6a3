"""Referrals built through the real services at a chosen moment, for the returns' tests."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from conftest import child, contact_details, share_checks
from mash.accounts.models import Agency
from mash.contacts import services
from mash.contacts.models import Contact, Decision
from mash.meetings import services as meetings
from mash.meetings.models import StrategyDiscussion
from mash.people.models import Involvement, Person
from mash.policy.profiles import active_profile

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _level(meets: bool) -> str:
    levels = active_profile().threshold_model.levels
    return next(
        lvl.code
        for lvl in sorted(levels, key=lambda lvl: not lvl.leads_to_checks)
        if lvl.meets_social_care_threshold == meets
    )


def refer(
    users: dict[str, Any],
    day: date,
    outcome: str,
    *,
    people: list[services.PersonDetails] | None = None,
    person: Person | None = None,
    meets_threshold: bool = True,
    concerns: tuple[str, ...] = ("neglect",),
    s47_on: date | None = None,
    **details: Any,
) -> Contact:
    """A contact received at 09:00 on `day`, screened, checked, recommended and decided with
    `outcome` at 15:00 the same day (a strategy discussion deciding s47 at 11:00 on `s47_on`
    when given). `person` links the child to an existing record instead of making a new one.

    The services run now (the personas' roles start today); the moments the returns read are
    then set to the past, as if the work had been done then.
    """
    contact = services.record_contact(
        by=users["carys"],
        people=people or [child()],
        **contact_details(concern_categories=list(concerns), **details),
    )
    for contact_person in contact.children():
        if person is not None:
            services.link_person(contact_person, person=person, by=users["sam"])
        else:
            services.confirm_new_person(contact_person, by=users["sam"])
    services.screen_contact(
        contact,
        by=users["priya"],
        threshold_level=_level(meets_threshold),
        rag="AMBER" if meets_threshold else "GREEN",
        consent="GIVEN",
        rationale="Screened for the returns test.",
    )
    contact.refresh_from_db()
    if contact.status == Contact.Status.INFORMATION_SHARING:
        share_checks(contact, asked_by=users["sam"], partner=users["polly"])
    if s47_on is not None:
        meetings.record_strategy_discussion(
            contact,
            by=users["sam"],
            kind=StrategyDiscussion.Kind.DISCUSSION,
            held_at=timezone.now(),
            chair=users["meera"],
            attendees=[
                meetings.Attendee(_agency("police"), "DS Hughes"),
                meetings.Attendee(_agency("health"), "Nurse Patel"),
            ],
            outcome=StrategyDiscussion.Outcome.S47,
            rationale="Reasonable cause to suspect significant harm.",
        )
    services.recommend_outcome(
        contact, by=users["sam"], outcome=outcome, rationale="Recommended.", analysis="."
    )
    services.decide(
        contact,
        by=users["meera"],
        agrees=True,
        outcome=outcome,
        rationale="Decided.",
        team=services.suggested_team(contact, outcome),
    )
    Contact.objects.filter(pk=contact.pk).update(received_at=at(day, 9))
    Decision.objects.filter(contact=contact).update(decided_at=at(day, 15))
    if s47_on is not None:
        StrategyDiscussion.objects.filter(contact=contact).update(held_at=at(s47_on, 11))
    contact.refresh_from_db()
    return contact


def _agency(kind: str) -> str:
    return Agency.objects.filter(kind=kind).order_by("code").values_list("code", flat=True)[0]


def followed_by(
    contact: Contact,
    service: str,
    started: date,
    ended: date | None = None,
    code: str = "",
    worker: str = "",
) -> Involvement:
    """What children's services recorded after the referral, for the contact's first child."""
    person = contact.children()[0].person
    return Involvement.objects.create(
        person=person,
        service=service,
        started_on=started,
        ended_on=ended,
        closure_reason_code=code,
        allocated_worker=worker,
    )
