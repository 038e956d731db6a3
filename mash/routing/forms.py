"""Forms for routing and the pathways: each validates its own fields in plain English; the
domain rules are the services' (mash.routing.services, mash.routing.pathways)."""

from __future__ import annotations

from typing import Any

from django import forms

from mash.contacts import concerns
from mash.contacts.forms import set_choices
from mash.core.forms import GovukFormMixin
from mash.routing.models import Destination
from mash.routing.pathways import CrossBoundaryPosition, DctDecision, MissingOutcome, Risk

RADIOS = forms.RadioSelect
CHECKBOXES = forms.CheckboxSelectMultiple
NO_TEAM = ""

# A manager can choose any route a person decides; the Missing Coordinators' two are theirs.
CHOOSABLE = [
    (d.value, d.label)
    for d in Destination
    if d not in (Destination.MISSING_COORDINATORS, Destination.MISSING_CLOSED)
]


class ChooseRouteForm(GovukFormMixin, forms.Form):
    destination = forms.ChoiceField(
        label="Where should the contact go?",
        choices=CHOOSABLE,
        widget=RADIOS,
        error_messages={"required": "Choose where the contact goes"},
    )
    team = forms.ChoiceField(
        label="Team it passes to",
        required=False,
        help_text="Needed unless the MASH keeps it.",
    )
    worker = forms.CharField(label="Worker (optional)", required=False, max_length=200)
    reason = forms.CharField(
        label="Why not the suggested route?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="This is recorded on the contact's timeline and in the audit trail.",
        error_messages={"required": "Enter why the contact should not go where suggested"},
    )

    def __init__(self, *args: Any, teams: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        set_choices(self, "team", [(NO_TEAM, "No team: the MASH keeps it"), *teams])


class ConcernCategoriesForm(GovukFormMixin, forms.Form):
    concern_categories = forms.MultipleChoiceField(
        label="What kinds of concern are these?",
        choices=concerns.choices(),
        required=False,
        widget=CHECKBOXES,
        help_text="Choose all that apply. The route and the tasks are worked out again.",
    )


class DomesticAbuseReviewForm(GovukFormMixin, forms.Form):
    risk = forms.ChoiceField(
        label="What is the risk?",
        choices=Risk.choices,
        widget=RADIOS,
        error_messages={"required": "Choose the risk level"},
    )
    plan = forms.CharField(
        label="Safety and protection plan",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Needed when the risk is high (SP-1).",
    )


class MissingReviewForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="What did the review find?",
        choices=MissingOutcome.choices,
        widget=RADIOS,
        error_messages={"required": "Choose what the review found"},
    )
    note = forms.CharField(
        label="What the review found, and why",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the review found"},
    )


class DctEligibilityForm(GovukFormMixin, forms.Form):
    criteria = forms.MultipleChoiceField(
        label="Which of the Disabled Children's Team's criteria does the child meet?",
        required=False,
        widget=CHECKBOXES,
        help_text="Leave all unticked if none applies: the contact follows the normal process.",
    )
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, criteria: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        set_choices(self, "criteria", list(criteria))


class DctDecisionForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="What did the Disabled Children's Team decide?",
        choices=DctDecision.choices,
        widget=RADIOS,
        error_messages={"required": "Choose the decision"},
    )
    decided_by = forms.CharField(
        label="Who in the Disabled Children's Team decided?",
        max_length=200,
        help_text="The DCT Team or Practice Manager.",
        error_messages={"required": "Enter who in the Disabled Children's Team decided"},
    )
    note = forms.CharField(
        label="The reasons for the decision",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reasons for the decision"},
    )


class CrossBoundaryForm(GovukFormMixin, forms.Form):
    other_authority = forms.CharField(
        label="The other local authority",
        max_length=200,
        help_text="Where the child normally lives, or where they were found.",
        error_messages={"required": "Enter the other local authority"},
    )
    position = forms.ChoiceField(
        label="What has been agreed?",
        choices=CrossBoundaryPosition.choices,
        widget=RADIOS,
        error_messages={"required": "Choose what has been agreed"},
    )
    written_acceptance = forms.CharField(
        label="The written acceptance",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who accepted, when, and the letter or email. Needed when the responsible "
        "authority accepts (OU-6).",
    )
    note = forms.CharField(
        label="What was agreed, with whom",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what was agreed, with whom"},
    )
