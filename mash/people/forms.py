"""Forms for a child's record: the census details (issue 8 §6)."""

from __future__ import annotations

from typing import Any

from django import forms

from mash.core.forms import GovukDateField, GovukFormMixin
from mash.people.census import Disability, Ethnicity, UpnUnknown


class CensusDetailsForm(GovukFormMixin, forms.Form):
    """Ethnicity, disabilities, UPN (or why there is none) and expected date of birth."""

    ethnicity_code = forms.ChoiceField(
        label="Ethnicity",
        required=False,
        choices=[("", "Not recorded"), *Ethnicity.choices],
        help_text="As the child or family describe it. Choose 'Refused' if they declined to say.",
    )
    disabilities = forms.MultipleChoiceField(
        label="Disabilities",
        required=False,
        choices=Disability.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        required=False,
        max_length=20,
        help_text="13 characters, from the child's school, for example P201200015123.",
    )
    upn_unknown = forms.ChoiceField(
        label="If there is no UPN, why not?",
        required=False,
        choices=[("", "Not applicable"), *UpnUnknown.choices],
    )
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth",
        required=False,
        help_text="Only for an unborn child. For example, 15 1 2027",
    )
    error_names = {"upn_unknown": "why there is no UPN"}


def disability_checkboxes(params: dict[str, Any]) -> dict[str, Any]:
    """The disability boxes with 'No disability' last, after "or", unticking the others."""
    items = [item for item in params["items"] if item["value"] != Disability.NONE]
    none = next(item for item in params["items"] if item["value"] == Disability.NONE)
    return params | {"items": [*items, {"divider": "or"}, none | {"behaviour": "exclusive"}]}
