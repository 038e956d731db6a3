"""Forms for the letters' staff actions (OU-4, CO-1)."""

from __future__ import annotations

from django import forms

from mash.core.forms import GovukFormMixin
from mash.letters.addresses import MAX_LINES


class ReasonForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why"},
    )

    def __init__(self, *args: object, label: str, hint: str, required: bool, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["reason"]
        field.label = label
        field.help_text = hint
        field.required = required


class AddressForm(GovukFormMixin, forms.Form):
    """The address a letter had not got: up to 5 lines and a UK postcode, so that with the
    addressee's name it fits the 7 lines GOV.UK Notify reads (stack notes §3.3)."""

    line_1 = forms.CharField(
        label="Address line 1",
        max_length=100,
        error_messages={"required": "Enter the first line of the address"},
    )
    line_2 = forms.CharField(label="Address line 2 (optional)", required=False, max_length=100)
    line_3 = forms.CharField(label="Town or city (optional)", required=False, max_length=100)
    line_4 = forms.CharField(label="County (optional)", required=False, max_length=100)
    line_5 = forms.CharField(label="Address line 5 (optional)", required=False, max_length=100)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={"required": "Enter the postcode"},
        help_text=f"A UK postcode, like NN1 1AA. The letter has at most {MAX_LINES} lines.",
    )

    def lines(self) -> list[str]:
        return [self.cleaned_data.get(f"line_{i}", "") for i in range(1, 6)]
