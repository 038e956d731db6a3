"""Where a contact goes and what the local procedures require on the way (IN-6 … OU-6).

`RouteSuggestion` is the product's reading of the profile for one contact, kept with its
explanations; `RouteDecision` is a person passing the contact on as suggested, or a manager
choosing otherwise with a reason. `Task` is something a rule requires (police informed, MARAC
referral, DCT discussion …); `PathwayReview` records a pathway's assessment (domestic-abuse
risk, the Missing Coordinators' review, DCT eligibility and decision, cross-boundary
agreement). All rows are appended, never edited, except a task's completion.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mash.core.models import BaseModel
from mash.policy.catalogue import Explanation


class Destination(models.TextChoices):
    """Where a contact can go on arrival."""

    MASH_SCREENING = "MASH_SCREENING", "MASH screening"
    MASH_INFORMATION_SHARING = "MASH_INFORMATION_SHARING", "MASH information sharing"
    ALLOCATED_WORKER = "ALLOCATED_WORKER", "The allocated social worker"
    EARLY_HELP_WORKER = "EARLY_HELP_WORKER", "The named early help worker"
    PREVIOUS_TEAM = "PREVIOUS_TEAM", "The previous team's inbox"
    MISSING_COORDINATORS = "MISSING_COORDINATORS", "The Missing Coordinators"
    DCT = "DCT", "The Disabled Children's Team"
    MISSING_CLOSED = "MISSING_CLOSED", "Kept by the Missing Coordinators"


# Destinations that take the contact out of the MASH: it is passed to the team's inbox.
PASSED_ON = frozenset(
    {
        Destination.ALLOCATED_WORKER,
        Destination.EARLY_HELP_WORKER,
        Destination.PREVIOUS_TEAM,
        Destination.DCT,
        Destination.MISSING_CLOSED,
    }
)


class _Explained(models.Model):
    explanations = models.JSONField(default=list)

    class Meta:
        abstract = True

    def explained(self) -> list[Explanation]:
        return [Explanation.from_dict(item) for item in self.explanations]

    @property
    def rule_ids(self) -> list[str]:
        return list(dict.fromkeys(item["rule_id"] for item in self.explanations))


class RouteSuggestion(BaseModel, _Explained):
    """The product's suggested route for a contact; the latest one is current."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="route_suggestions"
    )
    destination = models.CharField(max_length=32, choices=Destination)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    worker = models.CharField(max_length=200, blank=True)
    # A rule requires this route (SP-2, SP-3): a manager cannot choose another.
    required = models.BooleanField(default=False)
    # The facts still missing before the route is known (e.g. a child's history check).
    pending = models.TextField(blank=True)
    suggested_at = models.DateTimeField()

    class Meta:
        ordering = ["suggested_at", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(destination__in=[d.value for d in Destination]),
                name="route_suggestion_destination_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.get_destination_display()

    @property
    def passes_on(self) -> bool:
        return self.destination in PASSED_ON


class RouteDecision(BaseModel):
    """A person's decision on the route: as suggested, or overridden with a reason."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="route_decisions"
    )
    suggestion = models.ForeignKey(RouteSuggestion, on_delete=models.PROTECT, related_name="+")
    destination = models.CharField(max_length=32, choices=Destination)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    worker = models.CharField(max_length=200, blank=True)
    overridden = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overridden=False) | ~Q(reason=""), name="route_override_has_reason"
            ),
        ]


class TaskKind(models.TextChoices):
    """What a rule requires someone to do, in the words on the contact page."""

    MANAGER_ATTENTION = "MANAGER_ATTENTION", "A Team or Practice Manager has seen it"
    IMMEDIATE_PROTECTION = "IMMEDIATE_PROTECTION", "Decide on immediate protection now"
    POLICE_INFORMED = "POLICE_INFORMED", "Tell the police"
    TELL_ALLOCATED_WORKER = "TELL_ALLOCATED_WORKER", "Tell the allocated social worker"
    CONSULT_EARLY_HELP = "CONSULT_EARLY_HELP", "Speak with the early help worker or manager"
    DOMESTIC_ABUSE_REVIEW = "DOMESTIC_ABUSE_REVIEW", "Review the domestic abuse risk"
    MARAC_REFERRAL = "MARAC_REFERRAL", "Refer to MARAC"
    MADA_MEETING = "MADA_MEETING", "Hold the MADA meeting"
    ALERT_SCHOOL = "ALERT_SCHOOL", "Alert the school"
    ALERT_HEALTH = "ALERT_HEALTH", "Alert the health practitioners"
    MISSING_REVIEW = "MISSING_REVIEW", "Missing Coordinators' review"
    STRATEGY_MEETING = "STRATEGY_MEETING", "Hold a strategy meeting"
    CONSIDER_REFERRAL = "CONSIDER_REFERRAL", "Consider whether a referral is needed"
    DCT_ELIGIBILITY = "DCT_ELIGIBILITY", "Check the Disabled Children's Team criteria"
    DCT_DISCUSSION = "DCT_DISCUSSION", "Discuss with the Disabled Children's Team"
    CROSS_BOUNDARY_ESCALATION = (
        "CROSS_BOUNDARY_ESCALATION",
        "Refer the disagreement with the other authority to senior managers",
    )


class Task(BaseModel, _Explained):
    """Something a rule requires on a contact, with its due time where the rule gives one."""

    Kind = TaskKind

    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=32, choices=TaskKind)
    label = models.CharField(max_length=300)
    due_at = models.DateTimeField(null=True, blank=True)
    clock_rule = models.CharField(max_length=8, blank=True)  # the clock it meets when done
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["done_at", "due_at", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "kind"], name="one_task_of_a_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in TaskKind]), name="task_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class PathwayKind(models.TextChoices):
    """What a pathway review assessed (its rule in brackets)."""

    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse review (SP-1)"
    MISSING = "missing", "Missing Coordinators' review (SP-2)"
    DCT_ELIGIBILITY = "dct_eligibility", "Disabled Children's Team criteria (SC-8)"
    DCT_DECISION = "dct_decision", "Disabled Children's Team's decision (SC-8)"
    CROSS_BOUNDARY = "cross_boundary", "Cross-boundary agreement (OU-6)"


class PathwayReview(BaseModel):
    """A pathway's recorded assessment: which pathway, its outcome, details and who.

    Outcomes are in `mash.routing.pathways`; `details` holds what each kind needs (the DCT
    criteria met, the other authority's name and its written acceptance …).
    """

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="pathway_reviews"
    )
    kind = models.CharField(max_length=32, choices=PathwayKind)
    rule_id = models.CharField(max_length=8)
    outcome = models.CharField(max_length=32)
    details = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PathwayKind.values), name="pathway_review_kind_known"
            ),
            models.CheckConstraint(condition=~Q(outcome=""), name="pathway_review_has_outcome"),
        ]
