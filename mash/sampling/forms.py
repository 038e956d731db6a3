"""The draw form and the findings form (DM-2). The services check the rules; these read input."""

from __future__ import annotations

from typing import Any

from django import forms
from markupsafe import Markup

from mash.accounts.models import Team
from mash.core.forms import GovukDateField, GovukFormMixin
from mash.reports.overview.selectors import team_choices
from mash.sampling import checklist
from mash.sampling.models import MAX_SEED, MAX_SIZE, OUTCOME_FILTERS, Answer, Grade


class DrawForm(GovukFormMixin, forms.Form):
    error_names = {"purpose": "Purpose", "seed": "Seed"}

    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example: December closures, NFA decisions.",
    )
    purpose = forms.CharField(
        label="Purpose (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this sample is being audited, for example a theme from supervision.",
    )
    closed_from = GovukDateField(
        label="Closed from",
        help_text="The first day of closure to include. For example, 1 11 2026.",
    )
    closed_to = GovukDateField(label="Closed to", help_text="The last day of closure to include.")
    team = forms.ChoiceField(label="Team passed to", required=False)
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Any outcome"), *OUTCOME_FILTERS]
    )
    size = forms.IntegerField(
        label="Sample size",
        help_text=f"How many contacts to draw: 1 to {MAX_SIZE}.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        help_text="Leave blank for a new random sample. To draw a sample again, type its seed "
        f"with the same period and filters (a whole number up to {MAX_SEED:,}).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The profile in force's teams, as the daily overview offers them: a team left in the
        # database by another profile (kept for history, MA-1) is not one to sample by.
        field: Any = self.fields["team"]
        field.choices = [("", "Any team"), *team_choices()]
        field.error_messages["invalid_choice"] = (
            "Select a team from the list: that team is not one of this authority's teams"
        )

    def clean_team(self) -> str:
        code: str = self.cleaned_data.get("team") or ""
        if code and not Team.objects.filter(code=code).exists():
            raise forms.ValidationError(
                "That team is not set up yet: ask an administrator to load the policy profile"
            )
        return code

    def chosen_team(self) -> Team | None:
        """The team chosen, one of the profile in force's (checked by the field)."""
        code = self.cleaned_data.get("team")
        return Team.objects.get(code=code) if code else None


def answer_field(name: str) -> str:
    return f"answer_{name}"


def note_field(name: str) -> str:
    return f"note_{name}"


class FindingForm(GovukFormMixin, forms.Form):
    """One Yes / No / Not applicable per checklist question, a note for each No, the grade."""

    error_names = {"learning_points": "Learning points"}

    grade = forms.ChoiceField(
        label="Overall grade", choices=Grade.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label="Summary of the findings", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    learning_points = forms.CharField(
        label="Learning points (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the team should do differently, or keep doing. The report lists them.",
    )

    def __init__(self, *args: Any, evidence: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in checklist.QUESTIONS:
            answer = forms.ChoiceField(
                label=question.text,
                choices=Answer.choices,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
                help_text=f"Checks {question.rules}. The record shows: {evidence[question.id]}",
                required=False,
            )
            note = forms.CharField(
                label="Note",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Needed when the answer is No: what was missing or late.",
            )
            self.fields[answer_field(question.id)] = answer
            self.fields[note_field(question.id)] = note
        # Grade and the summary come after the questions.
        for name in ("grade", "summary", "learning_points"):
            self.fields[name] = self.fields.pop(name)
        self.fields["grade"].required = False
        self.fields["summary"].required = False

    def question_fields(self) -> list[tuple[checklist.Question, Any, Any, Markup]]:
        """Each question with its answer and note fields, and the note's label: "Note" on
        screen, with the question for screen readers (ten notes must not sound alike)."""
        return [
            (
                q,
                self[answer_field(q.id)],
                self[note_field(q.id)],
                Markup('Note<span class="govuk-visually-hidden"> on: {}</span>').format(q.text),
            )
            for q in checklist.QUESTIONS
        ]
