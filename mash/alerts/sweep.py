"""The deadline sweep: raise "due soon" and "overdue" alerts, resolve those whose clock is met.

Run every minute (Celery beat in production, in-process in the demo): `sweep(now=None)`.

- **Due soon** (APPROACHING): an open clock whose due time is within its lead time
  (`mash.alerts.lead`, plain wall-clock minutes) and not yet passed.
- **Overdue** (BREACHED): an open clock whose due time has passed. Its "due soon" alerts are
  closed as superseded. For TS-4 the referrer is chased once first (IN-7, `chase`).
- **Resolved**: a met clock's alerts are closed (resolution MET) and drop off every list.

Recipients: `mash.alerts.responsibility`, fixed when the stage is raised. Idempotent: one
alert per (clock, stage, recipient) is a database constraint, so running twice, or two sweeps
at once, raises each alert once. Each clock is handled in its own short transaction (the audit
chain holds a lock until commit), and only clocks with work to do are read (`_candidates`).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from mash.accounts.models import Team
from mash.alerts import chase, emails
from mash.alerts.kinds import DEADLINE_ALERT
from mash.alerts.lead import LeadTimes, lead_times
from mash.alerts.models import Alert, Resolution, Stage
from mash.alerts.responsibility import Recipient, managing_team, recipients, responsible_worker
from mash.audit import services as audit
from mash.contacts.models import Clock, Contact
from mash.notifications import services as notifications
from mash.notifications.models import Notification

log = logging.getLogger("mash.alerts")


@dataclass
class SweepResult:
    raised: int = 0
    resolved: int = 0
    emailed: int = 0
    chased: int = 0
    clocks: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def sweep(now: datetime | None = None) -> SweepResult:
    """Bring every clock's alerts up to date at `now` (default: the current time)."""
    moment = now or timezone.now()
    return sweep_clocks(candidates(moment), moment)


def sweep_clocks(clock_ids: list[uuid.UUID], now: datetime) -> SweepResult:
    """Bring these clocks' alerts up to date, each in its own short transaction. A clock
    another sweep has dealt with meanwhile is harmless: its inserts are refused and skipped.
    A clock that fails (a deadlock, a bad profile value) is logged, rolled back and counted;
    the others go on, and the next sweep tries it again."""
    leads = lead_times()
    result = SweepResult()
    for clock_id in clock_ids:
        result.clocks += 1
        try:
            with transaction.atomic():
                _sweep_clock(clock_id, now, leads, result)
        except Exception:  # noqa: BLE001 - one clock must not stop every other alert
            log.exception("deadline sweep: clock %s failed; trying again next sweep", clock_id)
            result.failed += 1
    return result


def candidates(now: datetime, leads: LeadTimes | None = None) -> list[uuid.UUID]:
    """The clocks with something to do: open and due soon or overdue (within
    MASH_ALERT_MAX_AGE_DAYS of their due time) without that stage's alerts yet, and met
    clocks whose alerts are still open. Two bounded queries: open clocks by the partial
    index on due_at, met ones from the unresolved alerts' side, so neither reads the
    history of every clock ever met."""
    leads = leads or lead_times()
    raised = Alert.objects.filter(clock=OuterRef("pk"))
    has_approaching = Exists(raised.filter(stage=Stage.APPROACHING))
    has_breached = Exists(raised.filter(stage=Stage.BREACHED))
    oldest = now - timedelta(days=getattr(settings, "MASH_ALERT_MAX_AGE_DAYS", 30))
    approaching = Q(due_at__gt=now) & _within_lead(now, leads) & ~has_approaching
    overdue = Q(due_at__lte=now, due_at__gte=oldest) & ~has_breached
    open_clocks = Clock.objects.filter(Q(met_at__isnull=True) & (approaching | overdue))
    met = Alert.objects.filter(resolved_at__isnull=True, clock__met_at__isnull=False)
    found = dict(open_clocks.values_list("pk", "due_at"))
    found.update(met.values_list("clock_id", "clock__due_at"))
    return sorted(found, key=lambda pk: found[pk])


def _within_lead(now: datetime, leads: LeadTimes) -> Q:
    """due_at within each rule's lead (the default for rules without their own)."""
    named = list(leads.by_rule)
    within = Q(due_at__lte=now + leads.default) & ~Q(rule_id__in=named)
    for rule_id, lead in leads.by_rule.items():
        within |= Q(rule_id=rule_id, due_at__lte=now + lead)
    return within


def _sweep_clock(clock_id: uuid.UUID, now: datetime, leads: LeadTimes, result: SweepResult) -> None:
    # The contact first, as every web change does (`contacts.services._locked`), then the
    # clock: one lock order, so the sweep cannot deadlock with a decision or a route.
    contact_id = Clock.objects.filter(pk=clock_id).values_list("contact_id", flat=True).first()
    if contact_id is None:
        return
    Contact.objects.select_for_update().filter(pk=contact_id).first()
    clock = (
        Clock.objects.select_for_update(of=("self",))
        .select_related("contact", "contact__held_by")
        .get(pk=clock_id)
    )
    if clock.met_at is not None:
        result.resolved += _resolve(clock, clock.met_at, Resolution.MET)
        return
    if clock.due_at <= now:
        _raise(clock, Stage.BREACHED, now, result)
        result.resolved += _resolve(clock, now, Resolution.SUPERSEDED, stage=Stage.APPROACHING)
    elif clock.due_at - leads.for_rule(clock.rule_id) <= now:
        _raise(clock, Stage.APPROACHING, now, result)


def _resolve(clock: Clock, at: datetime, resolution: str, stage: str = "") -> int:
    alerts = Alert.objects.filter(clock=clock, resolved_at__isnull=True)
    if stage:
        alerts = alerts.filter(stage=stage)
    return alerts.update(resolved_at=at, resolution=resolution, updated_at=timezone.now())


def _raise(clock: Clock, stage: str, now: datetime, result: SweepResult) -> None:
    """Alert each recipient once; for an overdue TS-4, chase the referrer first (IN-7)."""
    team = managing_team(clock.contact)
    people = recipients(clock, team)
    extra = ""
    if stage == Stage.BREACHED and clock.rule_id == "TS-4":
        worker = responsible_worker(clock).user
        done = chase.chase_referrer(clock, now, worker)
        result.chased += done is not None
        extra = chase.chase_words(done or getattr(clock, "chase", None), worker)
    created = [a for a in (_create(clock, stage, p, now, team, extra) for p in people) if a]
    if not created:
        return
    result.raised += len(created)
    result.emailed += sum(_email(alert) for alert in created)
    audit.record(
        actor=None,
        actor_name=chase.SWEEP_NAME,
        action="alert.raised",
        contact_id=clock.contact_id,
        subject=clock,
        rule_ids=[clock.rule_id],
        data={"stage": stage, "recipients": [a.recipient.display_name() for a in created]},
    )


def _create(
    clock: Clock, stage: str, person: Recipient, now: datetime, team: Team | None, extra: str
) -> Alert | None:
    """The alert, or None when it exists already (this or a concurrent sweep raised it)."""
    try:
        with transaction.atomic():  # a savepoint: the constraint may refuse it
            return Alert.objects.create(
                clock=clock,
                contact=clock.contact,
                stage=stage,
                recipient=person.user,
                team=team,
                why=person.why,
                explanation=(person.explanation + extra).strip(),
                raised_at=now,
            )
    except IntegrityError:
        return None


def _email(alert: Alert) -> bool:
    """Enqueue the alert's email (same transaction) when MASH_ALERT_EMAILS is on."""
    address = alert.recipient.email
    if not (getattr(settings, "MASH_ALERT_EMAILS", False) and address):
        return False
    message = emails.deadline_alert(alert.clock, alert.stage, alert.explanation)
    sent = notifications.enqueue(
        kind=DEADLINE_ALERT.code,
        channel=Notification.Channel.EMAIL,
        recipient=address,
        template="deadline_alert",
        personalisation={"reference": alert.contact.reference, "rule_id": alert.clock.rule_id},
        contact_id=alert.contact_id,
        subject=message.subject,
        body=message.body,
    )
    alert.notification_id = sent.id
    alert.save(update_fields=["notification_id", "updated_at"])
    return True
