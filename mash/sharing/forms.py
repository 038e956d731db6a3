"""Forms for information sharing. They check shape and wording; the rules live in services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from mash.contacts.forms import RADIOS, set_choices
from mash.core.forms import GovukDateField, GovukFormMixin, GovukTimeField
from mash.sharing.exports import MAX_EXPORT_DAYS
from mash.sharing.models import ConsentRecord, Contribution, InformationRequest
from mash.sharing.services import AgencyChoice, Answer

YES_NO = [("yes", "Yes"), ("no", "No")]

DEFAULT_QUESTION = (
    "Please check your agency's records for these children and the adults around them. Tell us "
    "what you hold and what it means for the children's safety and welfare."
)


class RequestChecksForm(GovukFormMixin, forms.Form):
    agencies = forms.MultipleChoiceField(
        label="Which partner agencies should check their records?",
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every agency that may hold relevant information (MA-1, MA-2).",
        error_messages={"required": "Choose at least one agency to ask"},
    )
    concern_summary = forms.CharField(
        label="What do the agencies need to know about the concern?",
        help_text=(
            "Share only what they need to search and analyse (CO-4). Never name a member of the "
            "public who referred (IN-9)."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the agencies need to know about the concern"},
    )
    question = forms.CharField(
        label="What are you asking them?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what you are asking the agencies"},
    )
    legal_basis = forms.ChoiceField(
        label="Legal basis for sharing",
        choices=InformationRequest.LegalBasis.choices,
        widget=RADIOS,
        error_messages={"required": "Choose the legal basis for sharing"},
    )

    def __init__(self, *args: Any, choices: list[AgencyChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "agencies", [(c.agency.code, c.agency.name) for c in choices])
        self.fields["agencies"].item_hints = {c.agency.code: c.explanation for c in choices}  # type: ignore[attr-defined]


class ConsentForm(GovukFormMixin, forms.Form):
    position = forms.ChoiceField(
        label="What is the consent position now?",
        widget=RADIOS,
        error_messages={"required": "Choose the consent position"},
    )
    detail = forms.CharField(
        label="Details",
        help_text=(
            "Who gave or refused consent, when and how; or, to authorise checks without it, why "
            "seeking consent would put the child or others at risk (CO-2)."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the details"},
    )

    def __init__(self, *args: Any, can_override: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = ConsentRecord.Position.choices
        if not can_override:
            choices = [c for c in choices if c[0] != ConsentRecord.Position.OVERRIDDEN]
        set_choices(self, "position", choices)


class ContributionForm(GovukFormMixin, forms.Form):
    """A partner agency's section of the MAIS form (MA-2 … MA-5, CO-5)."""

    kind = forms.ChoiceField(
        label="What is your agency recording?",
        choices=Contribution.Kind.choices,
        widget=RADIOS,
        error_messages={"required": "Choose what your agency is recording"},
    )
    information = forms.CharField(
        label="The information your agency holds",
        required=False,
        help_text="What you found, where it comes from and when. Leave empty for a nil return.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    analysis = forms.CharField(
        label="Your analysis: what does it mean for this child?",
        required=False,
        help_text="So what? Your professional judgement of what your information means (MA-2).",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    heightens_concern = forms.ChoiceField(
        label="Does your information heighten the concern for the child?",
        choices=YES_NO,
        widget=RADIOS,
        initial="no",
        help_text="If yes, it becomes part of the partnership discussion (MA-4).",
        error_messages={"required": "Choose whether your information heightens the concern"},
    )
    heightens_concern_reason = forms.CharField(
        label="If yes, how does it heighten the concern?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    has_confidential_information = forms.BooleanField(
        label="My agency holds additionally sensitive information it cannot record here",
        required=False,
        help_text=(
            "For example national security or an active surveillance operation. Only the fact "
            "that it exists and who holds it is recorded, never the detail (CO-5)."
        ),
    )
    confidential_holder = forms.CharField(
        label="Who holds it, and how can a social worker ask for it?",
        required=False,
        help_text="A name, role and phone number. Do not describe the information.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    awaiting_asked_date = GovukDateField(
        label="If awaiting: the date you asked for it", required=False
    )
    awaiting_asked_time = GovukTimeField(
        label="The time you asked", required=False, help_text="For example, 9:30am or 14:05"
    )
    awaiting_method = forms.ChoiceField(
        label="How did you ask?",
        choices=[("", "Select how you asked"), *Contribution.Method.choices],
        required=False,
    )
    awaiting_from_name = forms.CharField(
        label="Name of the person you are waiting for", required=False, max_length=200
    )
    awaiting_from_designation = forms.CharField(
        label="Their job title or designation", required=False, max_length=200
    )
    seen_latest = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, at = cleaned.get("awaiting_asked_date"), cleaned.get("awaiting_asked_time")
        cleaned["awaiting_asked_at"] = (
            timezone.make_aware(datetime.combine(day, at)) if day and at else None
        )
        if cleaned.get("kind") == Contribution.Kind.AWAITING and bool(day) != bool(at):
            missing = "awaiting_asked_time" if day else "awaiting_asked_date"
            self.add_error(missing, "Enter both the date and the time you asked")
        return cleaned

    def answer(self) -> Answer:
        """The cleaned values as the service's Answer."""
        data = self.cleaned_data
        return Answer(
            kind=data["kind"],
            information=data["information"],
            analysis=data["analysis"],
            heightens_concern=data["heightens_concern"] == "yes",
            heightens_concern_reason=data["heightens_concern_reason"],
            has_confidential_information=data["has_confidential_information"],
            confidential_holder=data["confidential_holder"],
            awaiting_asked_at=data["awaiting_asked_at"],
            awaiting_method=data["awaiting_method"],
            awaiting_from_name=data["awaiting_from_name"],
            awaiting_from_designation=data["awaiting_from_designation"],
        )


def contribution_initial(
    answer: Contribution | None, latest: Contribution | None
) -> dict[str, Any]:
    """Pre-fill the agency's form to update rather than start again (MA-5): from its latest
    answer on this request or on an earlier contact, and, while it is awaiting information,
    with whom and when it asked (MA-3). `latest` is what a colleague's newer answer is
    checked against."""
    initial: dict[str, Any] = {"seen_latest": str(latest.pk) if latest else ""}
    if answer is not None and answer.is_answer:
        initial.update(
            kind=answer.kind,
            information=answer.information,
            analysis=answer.analysis,
            heightens_concern="yes" if answer.heightens_concern else "no",
            heightens_concern_reason=answer.heightens_concern_reason,
            has_confidential_information=answer.has_confidential_information,
            confidential_holder=answer.confidential_holder,
        )
    if latest is not None and latest.kind == Contribution.Kind.AWAITING:
        asked = timezone.localtime(latest.awaiting_asked_at) if latest.awaiting_asked_at else None
        initial.update(
            awaiting_asked_date=asked.date() if asked else None,
            awaiting_asked_time=asked.strftime("%H:%M") if asked else "",
            awaiting_method=latest.awaiting_method,
            awaiting_from_name=latest.awaiting_from_name,
            awaiting_from_designation=latest.awaiting_from_designation,
        )
        initial.setdefault("kind", Contribution.Kind.AWAITING)
    return initial


class MaisRecommendationForm(GovukFormMixin, forms.Form):
    analysis = forms.CharField(
        label="Your analysis",
        help_text=(
            "What everything the agencies shared means, against the child's previous history "
            "and the current concern (MA-6)."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter your analysis"},
    )
    outcome = forms.ChoiceField(
        label="Recommended outcome",
        widget=RADIOS,
        error_messages={"required": "Choose an outcome"},
    )
    rationale = forms.CharField(
        label="Rationale for the recommendation",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the rationale"},
    )

    def __init__(self, *args: Any, outcomes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "outcome", outcomes)


class ExportForm(GovukFormMixin, forms.Form):
    """The period of a partner agency's export (MA-8)."""

    date_from = GovukDateField(label="From", help_text="For example, 1 4 2026")
    date_to = GovukDateField(label="To", help_text="For example, 30 4 2026")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        elif start and end and (end - start).days > MAX_EXPORT_DAYS:
            self.add_error("date_to", "Download at most a year at a time")
        return cleaned
