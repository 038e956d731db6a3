"""Contacts and referrals built through the front door's own services at chosen moments, for
every returns test (the CIN census, its episodes, Annex A, data quality, the exports). Each
step runs with the clock stopped at the moment given, so the dates the returns read
(received, decided, the strategy discussion) are the ones the test names; what followed
(assessments, plans) is the children's services record of the child (`involvement`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from conftest import contact_details, screen_at_threshold, share_checks
from mash.accounts.models import Agency, Team
from mash.contacts import services
from mash.contacts.models import Contact
from mash.meetings import services as meetings
from mash.meetings.models import StrategyDiscussion
from mash.meetings.services import Attendee
from mash.people.models import Involvement, Person

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 10) -> datetime:
    """`day` at `hour` o'clock in England."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def _agency(kind: str) -> str:
    found = Agency.objects.filter(kind=kind).order_by("code").first()
    assert found is not None
    return found.code


@dataclass
class FrontDoor:
    carys: Any
    sam: Any
    priya: Any
    meera: Any
    polly: Any

    def __post_init__(self) -> None:
        # The staff were in post when the earliest referral arrived.
        for user in (self.carys, self.sam, self.priya, self.meera, self.polly):
            user.memberships.update(starts_at=at(date(2020, 1, 1)))

    def contact(
        self,
        day: date,
        *,
        person: Person | None = None,
        child: services.PersonDetails | None = None,
        outcome: str | None = None,
        referral: bool = True,
        concerns: Sequence[str] = (),
        source: str = "2A",
        strategy: bool = False,
        decided: date | None = None,
        more_children: Sequence[services.PersonDetails] = (),
        **census: Any,
    ) -> Contact:
        """A contact received on `day`; decided `outcome` on `decided` (default: `day`) when
        given. `person` links the first child to an existing record.

        `referral` screens it at the social care threshold (level 4, MASH checks); otherwise
        below it (level 2). `strategy` holds a strategy discussion deciding a section 47 on
        `day`, before the recommendation. `census` sets the first child's census codes on
        the record (upn, ethnicity_code …).
        """
        details = child or services.PersonDetails(
            given_names="Ada", family_name="Lovelace", date_of_birth=date(2015, 6, 1)
        )
        with time_machine.travel(at(day, 11), tick=False):
            contact = services.record_contact(
                by=self.carys,
                people=[details, *more_children],
                **contact_details(
                    received_at=at(day, 9),
                    referrer_source=source,
                    concern_categories=list(concerns),
                ),
            )
            if person is not None:
                first = contact.children().order_by("position").first()
                assert first is not None
                services.link_person(first, person=person, by=self.sam)
        if outcome is None:
            return contact
        with time_machine.travel(at(day, 12), tick=False):
            if referral:
                screen_at_threshold(contact, checked_by=self.sam, screened_by=self.priya)
                share_checks(contact, asked_by=self.sam, partner=self.polly)
            else:
                for cp in contact.children():
                    if not cp.history_checked:
                        services.confirm_new_person(cp, by=self.sam)
                services.screen_contact(
                    contact,
                    by=self.priya,
                    threshold_level="2",
                    rag="GREEN",
                    consent="NOT_NEEDED",
                    rationale="Below the threshold.",
                )
        if strategy:
            self.strategy(contact, day, hour=13)
        with time_machine.travel(at(decided or day, 15), tick=False):
            services.recommend_outcome(
                contact, by=self.sam, outcome=outcome, rationale="Rationale.", analysis="Analysis."
            )
            services.decide(
                contact,
                by=self.meera,
                agrees=True,
                outcome=outcome,
                rationale="Decided.",
                team=services.suggested_team(contact, outcome),
            )
        contact.refresh_from_db()
        if census:
            Person.objects.filter(pk=person_of(contact).pk).update(**census)
        return contact

    def strategy(self, contact: Contact, day: date, *, hour: int = 14) -> StrategyDiscussion:
        """A quorate strategy discussion at `hour` on `day` that starts a section 47 enquiry
        (OU-2)."""
        with time_machine.travel(at(day, hour), tick=False):
            return meetings.record_strategy_discussion(
                contact,
                by=self.meera,
                kind=StrategyDiscussion.Kind.DISCUSSION,
                held_at=at(day, hour),
                chair=self.meera,
                attendees=[
                    Attendee(_agency("police"), "DS Hughes", "Detective sergeant"),
                    Attendee(_agency("health"), "Nurse Patel", "Safeguarding nurse"),
                ],
                outcome=StrategyDiscussion.Outcome.S47,
                rationale="Disclosure of harm.",
            )


def person_of(contact: Contact) -> Person:
    """The first child's person record."""
    first = contact.children().order_by("position").first()
    assert first is not None and first.person is not None
    return first.person


def involvement(
    person: Person,
    service: str,
    started: date,
    ended: date | None = None,
    *,
    code: str = "",
    team: str = "",
    worker: str = "",
) -> Involvement:
    """The children's services record of work with the child (no service writes these yet)."""
    return Involvement.objects.create(
        person=person,
        service=service,
        started_on=started,
        ended_on=ended,
        closure_reason_code=code,
        team=Team.objects.filter(name=team).first() if team else None,
        allocated_worker=worker,
    )


def days(start: date, count: int) -> date:
    return start + timedelta(days=count)
