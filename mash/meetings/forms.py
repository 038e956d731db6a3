"""Forms for meetings and emergency action. Shape and wording only; rules are in services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from mash.accounts.models import Agency, User
from mash.contacts.forms import RADIOS, set_choices
from mash.core.forms import GovukDateField, GovukFormMixin, GovukTimeField
from mash.meetings.models import EmergencyAction, StrategyDiscussion
from mash.meetings.permissions import social_work_team_managers
from mash.meetings.services import ActionItem, Attendee


def _agency_choices() -> list[tuple[str, str]]:
    return [("", "Select the agency"), *Agency.objects.order_by("name").values_list("code", "name")]


def _team_managers() -> list[tuple[str, str]]:
    managers = social_work_team_managers()
    return [("", "Select the chair"), *((str(u.pk), u.display_name()) for u in managers)]


class WhenMixin(forms.Form):
    """A date and a time typed separately, combined into `held_at`."""

    held_date = GovukDateField(label="Date held")
    held_time = GovukTimeField(label="Time it started", help_text="For example, 9:30am or 14:05")

    def held_at(self) -> datetime | None:
        day, at = self.cleaned_data.get("held_date"), self.cleaned_data.get("held_time")
        return timezone.make_aware(datetime.combine(day, at)) if day and at else None


class ChairMixin(forms.Form):
    chair = forms.ChoiceField(
        label="Who chaired it?",
        help_text="A Social Work Team Manager chairs (MA-7, OU-2).",
        error_messages={"required": "Select the Team Manager who chaired it"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "chair", _team_managers())

    def chair_user(self) -> User | None:
        chosen = self.cleaned_data.get("chair")
        return User.objects.filter(pk=chosen).first() if chosen else None


class MashMeetingForm(GovukFormMixin, WhenMixin, ChairMixin, forms.Form):
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttendeeForm(GovukFormMixin, forms.Form):
    agency = forms.ChoiceField(label="Agency", required=False)
    name = forms.CharField(label="Name", required=False, max_length=200)
    role = forms.CharField(label="Role", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "agency", _agency_choices())

    def attendee(self) -> Attendee:
        data = self.cleaned_data
        return Attendee(data.get("agency", ""), data.get("name", ""), data.get("role", ""))


AttendeeFormSet = forms.formset_factory(AttendeeForm, extra=0, min_num=1, max_num=40)


def attendees_given(formset: Any) -> list[Attendee]:
    """The rows someone typed something in (empty rows left out)."""
    return [
        form.attendee()
        for form in formset.forms
        if form.is_valid() and any(form.cleaned_data.get(k) for k in ("agency", "name", "role"))
    ]


class MeetingCaseForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(
        label="Contact reference",
        help_text="For example, MASH-7K2Q-9XWD",
        max_length=20,
        error_messages={"required": "Enter the contact reference"},
    )
    analysis = forms.CharField(
        label="The meeting's analysis",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the meeting's analysis"},
    )
    recommendation = forms.ChoiceField(
        label="The meeting's recommendation",
        widget=RADIOS,
        error_messages={"required": "Choose the meeting's recommendation"},
    )
    actions = forms.CharField(
        label="Actions agreed (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, outcomes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "recommendation", outcomes)


class StrategyForm(GovukFormMixin, WhenMixin, ChairMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Was it a discussion or a meeting?",
        choices=StrategyDiscussion.Kind.choices,
        widget=RADIOS,
        error_messages={"required": "Choose a strategy discussion or a strategy meeting"},
    )
    sc8_applies = forms.BooleanField(
        label="A child is disabled and meets the Disabled Children's Team's criteria (SC-8)",
        required=False,
    )
    dct_invited = forms.BooleanField(
        label="The Disabled Children's Team was invited", required=False
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=StrategyDiscussion.Outcome.choices,
        widget=RADIOS,
        help_text="A decision about a section 47 enquiry needs the police and health (OU-2).",
        error_messages={"required": "Choose the outcome"},
    )
    rationale = forms.CharField(
        label="Reasons for the outcome",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reasons for the outcome"},
    )

    def __init__(self, *args: Any, dct: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not dct:  # the profile has no Disabled Children's Team (SC-8)
            del self.fields["sc8_applies"]
            del self.fields["dct_invited"]


class ActionForm(GovukFormMixin, forms.Form):
    action = forms.CharField(
        label="Action", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_name = forms.CharField(label="Owner", required=False, max_length=200)
    owner_agency = forms.ChoiceField(label="Owner's agency", required=False)
    due_on = GovukDateField(label="Due by", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "owner_agency", _agency_choices())

    def item(self) -> ActionItem:
        data = self.cleaned_data
        return ActionItem(
            data.get("action", ""),
            data.get("owner_name", ""),
            data.get("owner_agency", ""),
            data.get("due_on"),
        )


ActionFormSet = forms.formset_factory(ActionForm, extra=0, min_num=1, max_num=40)


def actions_given(formset: Any) -> list[ActionItem]:
    return [
        form.item()
        for form in formset.forms
        if form.is_valid()
        and any(
            form.cleaned_data.get(k) for k in ("action", "owner_name", "owner_agency", "due_on")
        )
    ]


class EmergencyActionForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What action was taken?",
        choices=EmergencyAction.Kind.choices,
        widget=RADIOS,
        error_messages={"required": "Choose what action was taken"},
    )
    taken_date = GovukDateField(label="Date taken")
    taken_time = GovukTimeField(label="Time taken", help_text="For example, 9:30am or 14:05")
    agency_code = forms.ChoiceField(
        label="Which agency acted?", error_messages={"required": "Select the agency that acted"}
    )
    taken_by = forms.CharField(
        label="Who acted?",
        max_length=200,
        help_text="The practitioner's name and role.",
        error_messages={"required": "Enter who acted"},
    )
    children_protected = forms.CharField(
        label="Which children were protected, and where are they now?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter which children were protected"},
    )
    other_children_considered = forms.CharField(
        label="How were other children considered?",
        help_text=(
            "Other children in the household or in the alleged perpetrator's household (OU-5)."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter how the other children were considered"},
    )
    why_no_epo = forms.CharField(
        label="For police protection: why was there no time to seek an Emergency Protection Order?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label="Anything else, such as legal advice taken (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "agency_code", _agency_choices())

    def action_details(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        day, at = data.pop("taken_date", None), data.pop("taken_time", None)
        data["taken_at"] = timezone.make_aware(datetime.combine(day, at)) if day and at else None
        return data
