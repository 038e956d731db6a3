"""Forms for raising and settling disputes (DM-1)."""

from __future__ import annotations

from typing import Any

from django import forms

from mash.contacts.forms import RADIOS, set_choices
from mash.core.forms import GovukFormMixin
from mash.disputes.models import DisputeStep

NO_VIEW = "none"


class RaiseDisputeForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why do you disagree with the recommendation?",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter why you disagree with the recommendation"},
    )
    proposed_outcome = forms.ChoiceField(
        label="Which outcome do you think is right?",
        widget=RADIOS,
        required=False,
    )

    def __init__(self, *args: Any, outcomes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "proposed_outcome", [*outcomes, (NO_VIEW, "I am not sure")])

    def clean_proposed_outcome(self) -> str:
        value = self.cleaned_data.get("proposed_outcome", "")
        return "" if value == NO_VIEW else value


class DisputeStepForm(GovukFormMixin, forms.Form):
    result = forms.ChoiceField(
        label="What happened at this level?",
        choices=DisputeStep.Result.choices,
        widget=RADIOS,
        error_messages={"required": "Choose whether it was resolved or escalated"},
    )
    outcome = forms.ChoiceField(
        label="If resolved: the outcome agreed",
        widget=RADIOS,
        required=False,
        help_text="This outcome binds the MASH decision (DM-1).",
    )
    counterpart = forms.CharField(
        label="Who did you discuss it with?",
        required=False,
        max_length=300,
        help_text="The other party's manager at this level: name, role and agency.",
    )
    note = forms.CharField(
        label="What was discussed, and why this result?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what was discussed and why"},
    )
    seen_level = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, outcomes: list[tuple[str, str]], final: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "outcome", outcomes)
        if final:
            set_choices(
                self, "result", [c for c in DisputeStep.Result.choices if c[0] == "RESOLVED"]
            )
            self.fields["outcome"].label = "The Assistant Director's decision (final)"
