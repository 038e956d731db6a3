"""Who is told about a clock: the responsible worker and the managers (issue 7).

A contact has no "allocated worker" field, so the responsible worker is read from what the
record says each person did, per clock:

- TS-1 (decision on the type of response): the social worker who made the latest
  recommendation; before one exists, the manager who screened the contact.
- TS-2 / TS-3 (partner-agency checks, RED / AMBER): whoever sent the requests for checks in
  this round (the latest request on the clock); before any is sent, the screener.
- TS-4 / TS-5 (written confirmation, acknowledgement: IN-7, IN-8): the person who recorded
  the contact.
- Any clock, when the rule above finds nobody: the last MASH person who moved the contact
  (its latest transition made by someone).
- Nobody at all (the online form or the partner API, untouched since): the managers only.

Someone who no longer holds an active MASH staff role is skipped, never alerted.

The managers are the active Practice Managers and Team Managers (`MANAGER_ROLES`) of the
team that holds the contact (`Contact.held_by`) or, while the MASH holds it, of the MASH
team(s) (team kind "mash"). A manager who is also the responsible worker gets one alert, as
the responsible worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from mash.accounts.models import Membership, Role, Team, User
from mash.contacts.models import Clock, Contact
from mash.policy.profiles import TeamKind

MANAGER_ROLES = (Role.PRACTICE_MANAGER, Role.TEAM_MANAGER)


@dataclass(frozen=True)
class Recipient:
    user: User
    why: str  # Alert.Why
    explanation: str


@dataclass(frozen=True)
class Responsible:
    user: User | None
    explanation: str  # why this person, in words (shown on the alert)


def responsible_worker(clock: Clock) -> Responsible:
    """The person responsible for `clock` by the rule in the module docstring."""
    contact = clock.contact
    finder = _FINDERS.get(clock.rule_id)
    if finder is not None:
        found = finder(clock)
        if found.user is not None and _is_active_mash_staff(found.user):
            return found
    mover = _last_mover(contact)
    if mover is not None and _is_active_mash_staff(mover):
        return Responsible(mover, "You were the last person to move this contact on.")
    return Responsible(None, "")


def _recommender_or_screener(clock: Clock) -> Responsible:
    latest = clock.contact.recommendations.order_by("-recommended_at").first()
    if latest is not None:
        return Responsible(latest.recommended_by, "You made the recommendation (TS-1, MA-6).")
    return _screener(clock)


def _screener(clock: Clock) -> Responsible:
    screening = getattr(clock.contact, "screening", None)
    if screening is None:
        return Responsible(None, "")
    return Responsible(screening.screened_by, "You screened this contact (SC-6).")


def _checks_requester(clock: Clock) -> Responsible:
    from mash.sharing.models import InformationRequest

    request = (
        InformationRequest.objects.filter(clock=clock)
        .select_related("requested_by")
        .order_by("-requested_at")
        .first()
    )
    if request is not None:
        return Responsible(
            request.requested_by, f"You sent the requests for checks ({clock.rule_id}, MA-2)."
        )
    return _screener(clock)


def _recorder(clock: Clock) -> Responsible:
    return Responsible(clock.contact.recorded_by, f"You recorded this contact ({clock.rule_id}).")


_FINDERS: dict[str, Callable[[Clock], Responsible]] = {
    "TS-1": _recommender_or_screener,
    "TS-2": _checks_requester,
    "TS-3": _checks_requester,
    "TS-4": _recorder,
    "TS-5": _recorder,
}


def _last_mover(contact: Contact) -> User | None:
    transition = (
        contact.transitions.filter(by__isnull=False).select_related("by").order_by("-at").first()
    )
    return transition.by if transition is not None else None


def _is_active_mash_staff(user: Any) -> bool:
    return bool(user.is_active and user.is_mash_staff())


def managing_team(contact: Contact) -> Team | None:
    """The team whose managers are told: the one holding the contact, else the MASH team."""
    if contact.held_by_id is not None:
        return contact.held_by
    return Team.objects.filter(kind=TeamKind.MASH).order_by("code").first()


def managers(contact: Contact) -> list[User]:
    """Active Practice and Team Managers of the holding team (or the MASH teams): one query."""
    now = timezone.now()
    if contact.held_by_id is not None:
        teams = Q(team_id=contact.held_by_id)
    else:
        teams = Q(team__kind=TeamKind.MASH)
    memberships = Membership.objects.filter(
        teams,
        role__in=MANAGER_ROLES,
        agency__is_childrens_social_care=True,
        starts_at__lte=now,
        user__is_active=True,
    ).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    return list(User.objects.filter(pk__in=memberships.values("user_id")).order_by("username"))


def recipients(clock: Clock, team: Team | None) -> list[Recipient]:
    """Everyone to alert about `clock` (`team`: its `managing_team`), the responsible worker
    first, each once."""
    found: list[Recipient] = []
    worker = responsible_worker(clock)
    if worker.user is not None:
        found.append(Recipient(worker.user, "RESPONSIBLE_WORKER", worker.explanation))
    team_name = team.name if team is not None else "the MASH"
    nobody = "" if worker.user is not None else " Nobody in the MASH has worked on it yet."
    for manager in managers(clock.contact):
        if any(r.user.pk == manager.pk for r in found):
            continue
        found.append(
            Recipient(manager, "MANAGER", f"You manage {team_name}, which holds it.{nobody}")
        )
    return found
