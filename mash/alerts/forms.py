"""The acknowledge form: which alerts, and why (required for more than one)."""

from __future__ import annotations

from typing import Any

from django import forms

from mash.core.forms import GovukFormMixin


class AcknowledgeForm(GovukFormMixin, forms.Form):
    alerts = forms.MultipleChoiceField(
        label="Alerts to acknowledge",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the alerts you want to acknowledge",
            "invalid_choice": "One of the alerts you selected is no longer open: select again",
        },
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you acknowledge more than one alert at once. For example: "
        "checks chased with every agency this morning.",
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["alerts"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = cleaned.get("alerts") or []
        if len(chosen) > 1 and not (cleaned.get("reason") or "").strip():
            self.add_error(
                "reason",
                "Enter why you are acknowledging these alerts together: a reason is needed "
                "when you acknowledge more than one",
            )
        return cleaned
