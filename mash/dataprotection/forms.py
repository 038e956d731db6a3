"""Forms for subject access (CO-6), retention decisions and the share register (CO-4)."""

from __future__ import annotations

from typing import Any

from django import forms

from mash.contacts.forms import set_choices
from mash.core.forms import GovukDateField, GovukFormMixin
from mash.dataprotection.models import SubjectAccessRequest

RADIOS = forms.RadioSelect


class SubjectAccessRequestForm(GovukFormMixin, forms.Form):
    requester_name = forms.CharField(
        label="Who made the request?",
        max_length=200,
        error_messages={"required": "Enter who made the request"},
    )
    requester_relationship = forms.ChoiceField(
        label="Who are they to the person?",
        choices=SubjectAccessRequest.Relationship.choices,
        widget=RADIOS,
        error_messages={"required": "Choose who the requester is to the person"},
    )
    received_on = GovukDateField(
        label="Date the request was received",
        help_text="The reply is due one calendar month after this date (UK GDPR Article 12).",
        error_name="the date the request was received",
    )
    identity_checked = forms.BooleanField(
        label="I have checked the requester's identity (and their authority, if they act for "
        "someone else)",
        required=False,
    )
    identity_check = forms.CharField(
        label="How was their identity checked?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: passport seen at the office; birth certificate showing parental "
        "responsibility.",
    )
    notes = forms.CharField(
        label="Anything else about the request (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        """The identity checks, reported with the other problems in one go (CO-6)."""
        data = super().clean() or {}
        if not data.get("identity_checked"):
            self.add_error("identity_checked", IDENTITY_NOT_CHECKED)
        if not (data.get("identity_check") or "").strip():
            self.add_error("identity_check", "Enter how the requester's identity was checked")
        return data


IDENTITY_NOT_CHECKED = (
    "Check the requester's identity before recording the request: nothing may be disclosed "
    "to someone whose identity is not confirmed (CO-6)"
)


class ReleaseForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why may this item now be disclosed?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: the police agreed by email on 3 December; the other person "
        "consented in writing.",
        error_messages={"required": "Enter why this item may now be disclosed"},
    )


class RetentionDecisionForm(GovukFormMixin, forms.Form):
    KEEP, DISPOSE = "KEEP", "DISPOSE"
    decision = forms.ChoiceField(
        label="What should happen to this record?",
        choices=[
            (KEEP, "Keep it until a later date"),
            (DISPOSE, "Dispose of it (a second person must approve)"),
        ],
        widget=RADIOS,
        error_messages={"required": "Choose whether to keep the record or dispose of it"},
    )
    keep_until = GovukDateField(
        label="If kept: keep it until", required=False, error_name="the date to keep it until"
    )
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for your decision"},
    )


class ApproveDisposalForm(GovukFormMixin, forms.Form):
    note = forms.CharField(
        label="Anything to add (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ShareFilterForm(GovukFormMixin, forms.Form):
    agency = forms.ChoiceField(label="Agency", required=False)
    reference = forms.CharField(label="Contact reference", required=False, max_length=20)
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "agency", [("", "All agencies"), *agencies])
