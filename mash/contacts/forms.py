"""Forms for recording and working a contact. Domain rules live in services; these check
shape and wording only, and keep everything the user typed when something is wrong."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils import timezone

from mash.contacts import concerns
from mash.contacts.attachments import MAX_BYTES, Attachment, checked_attachment
from mash.contacts.models import (
    Contact,
    ContactPerson,
    Decision,
    Screening,
    WrittenConfirmation,
    YesNoUnknown,
)
from mash.contacts.services import PersonDetails
from mash.core.errors import ApplicationError
from mash.core.forms import GovukDateField, GovukFormMixin, GovukTimeField

RADIOS = forms.RadioSelect
NO_TEAM = "none"
BOOLEAN_CHOICES = [("yes", "Yes"), ("no", "No")]


def suppress_errors(form: forms.BaseForm | forms.BaseFormSet) -> None:
    """Show a bound form again without validating it (after 'Add another child')."""
    if isinstance(form, forms.BaseFormSet):
        for member in form.forms:
            suppress_errors(member)
        form._errors = []  # type: ignore[attr-defined]
        form._non_form_errors = form.error_class()  # type: ignore[attr-defined]
        return
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    form.cleaned_data = {}


class ReferrerMixin(forms.Form):
    referrer_source = forms.ChoiceField(
        label="Who is making the contact?",
        choices=[("", "Choose who is making the contact"), *Contact.ReferrerSource.choices],
        error_messages={"required": "Choose who is making the contact"},
        help_text="Choose 'Anonymous' if the referrer does not want to be named (IN-9).",
    )
    referrer_name = forms.CharField(label="Referrer's name", required=False, max_length=200)
    referrer_role = forms.CharField(
        label="Referrer's job title or role", required=False, max_length=200
    )
    referrer_organisation = forms.CharField(label="Organisation", required=False, max_length=200)
    referrer_phone = forms.CharField(label="Phone number", required=False, max_length=40)
    referrer_email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    referrer_address = forms.CharField(
        label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    referrer_relationship = forms.CharField(
        label="Relationship to and knowledge of the family",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    referrer_consents_to_disclosure = forms.BooleanField(
        label="The referrer agrees their details may be shared with the family or other agencies",
        required=False,
        help_text="Without this, a non-professional referrer's details are never disclosed (IN-9).",
    )


class ConcernMixin(forms.Form):
    concern_summary = forms.CharField(
        label="What is the concern?",
        help_text="Include any allegations, what happened and who it happened to.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what the concern is"},
    )
    concern_source_and_timing = forms.CharField(
        label="How is this known, when and where did it happen?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    significant_events = forms.CharField(
        label="Significant recent or past events",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    child_location_and_condition = forms.CharField(
        label="Where is the child now, and how are they (emotionally and physically)?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    immediate_protection_needed = forms.ChoiceField(
        label="Does the child need protecting immediately?",
        choices=YesNoUnknown.choices,
        widget=RADIOS,
        initial=YesNoUnknown.UNKNOWN,
        help_text="If a child is in immediate danger, call 999 now.",
        error_messages={"required": "Choose whether the child needs protecting immediately"},
    )
    child_protection_concern = forms.BooleanField(
        label="This is a child protection concern",
        required=False,
        help_text="The Team or Practice Manager is told straight away (IN-10).",
    )
    possible_offence = forms.BooleanField(
        label="This may be a criminal offence against a child",
        required=False,
        help_text="The police must be told at the earliest opportunity (IN-12).",
    )
    police_informed = forms.BooleanField(label="The police have been told", required=False)
    other_agencies_involved = forms.CharField(
        label="Other agencies involved (for example the GP or school)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    existing_assessment = forms.CharField(
        label="Any existing assessment (for example an Early Help Assessment)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    child_views = forms.CharField(
        label="The child's views and wishes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parents_aware = forms.ChoiceField(
        label="Do the parents know about this contact?",
        choices=YesNoUnknown.choices,
        widget=RADIOS,
        initial=YesNoUnknown.UNKNOWN,
        error_messages={"required": "Choose whether the parents know"},
    )
    parents_consent = forms.ChoiceField(
        label="Have the parents agreed to the referral?",
        choices=YesNoUnknown.choices,
        widget=RADIOS,
        initial=YesNoUnknown.UNKNOWN,
        error_messages={"required": "Choose whether the parents have agreed"},
    )
    parents_not_informed_reason = forms.CharField(
        label="If the parents have not been told, why not?",
        required=False,
        help_text=(
            "Required when the parents do not know: telling them would put the child at risk "
            "(CO-1)."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ContactForm(GovukFormMixin, ReferrerMixin, ConcernMixin, forms.Form):
    """The staff form: a phone call, a written multi-agency referral, an email (IN-2 … IN-12)."""

    received_date = GovukDateField(label="Date received")
    received_time = GovukTimeField(label="Time received", help_text="For example, 9:30am or 14:05")
    channel = forms.ChoiceField(
        label="How did the contact arrive?",
        choices=[c for c in Contact.Channel.choices if c[0] != Contact.Channel.ONLINE_FORM],
        widget=RADIOS,
        error_messages={"required": "Choose how the contact arrived"},
    )
    purpose = forms.ChoiceField(
        label="What is the contact for?",
        choices=Contact.Purpose.choices,
        widget=RADIOS,
        help_text="A request for services is a referral (IN-3).",
        error_messages={"required": "Choose what the contact is for"},
    )

    concern_categories = forms.MultipleChoiceField(
        label="What kinds of concern are these?",
        choices=concerns.choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply. Some start a local pathway: domestic abuse (SP-1), "
        "missing (SP-2), FGM (SP-3), a mental health admission (SP-4), disability (SC-8).",
    )

    field_order = ["received_date", "received_time", "channel", "purpose"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, at = cleaned.get("received_date"), cleaned.get("received_time")
        if day and at:
            received = timezone.make_aware(datetime.combine(day, at))
            if received > timezone.now():
                self.add_error("received_time", "The time received must not be in the future")
            cleaned["received_at"] = received
        return cleaned

    def contact_details(self) -> dict[str, Any]:
        """The cleaned values as `record_contact` keyword arguments."""
        data = dict(self.cleaned_data)
        data.pop("received_date", None)
        data.pop("received_time", None)
        return data


class PublicRequestForm(GovukFormMixin, ReferrerMixin, ConcernMixin, forms.Form):
    """The online 'Request for Help or Support' form: no sign-in (IN-1, IN-2)."""

    def contact_details(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ChildForm(GovukFormMixin, forms.Form):
    """A child in the household (IN-5)."""

    given_names = forms.CharField(label="First name(s)", required=False, max_length=200)
    family_name = forms.CharField(label="Last name", required=False, max_length=200)
    other_names = forms.CharField(
        label="Other names, aliases or spellings",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line.",
    )
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, past=True, help_text="For example, 27 3 2019"
    )
    gender = forms.ChoiceField(
        label="Gender",
        required=False,
        choices=[
            ("", "Not given"),
            *[
                (g, label)
                for g, label in (
                    ("F", "Female"),
                    ("M", "Male"),
                    ("O", "Other or not stated"),
                    ("U", "Not known"),
                )
            ],
        ],
    )
    nhs_number = forms.RegexField(
        label="NHS number",
        required=False,
        regex=r"^\d{10}$",
        error_messages={"invalid": "NHS number must be 10 digits, like 999 123 4567"},
        help_text="10 digits",
    )
    upn = forms.CharField(label="Unique pupil number (UPN)", required=False, max_length=13)
    address = forms.CharField(
        label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    school_or_nursery = forms.CharField(label="School or nursery", required=False, max_length=200)
    ethnicity = forms.CharField(label="Ethnicity", required=False, max_length=100)
    first_language = forms.CharField(label="First language", required=False, max_length=100)
    preferred_language = forms.ChoiceField(
        label="Language for letters",
        required=False,
        help_text="Letters are written in this language where a translation exists; "
        "otherwise staff are told a translation is needed (FA-1).",
    )
    interpreter_needed = forms.BooleanField(label="Needs an interpreter (FA-1)", required=False)
    religion = forms.CharField(label="Religion", required=False, max_length=100)
    special_needs = forms.CharField(
        label="Special needs or disabilities",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    kind = ContactPerson.Kind.CHILD

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from mash.letters.languages import language_choices

        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].choices = language_choices()  # type: ignore[attr-defined]

    def clean_nhs_number(self) -> str:
        return "".join(self.cleaned_data.get("nhs_number", "").split())

    def details(self) -> PersonDetails:
        data = {
            k: v for k, v in self.cleaned_data.items() if k in PersonDetails.__dataclass_fields__
        }
        return PersonDetails(kind=self.kind, **data)


class AdultForm(ChildForm):
    """An adult around the child(ren): parental responsibility, significant, perpetrator."""

    relationship_to_child = forms.CharField(
        label="Relationship to the child(ren)", required=False, max_length=200
    )
    has_parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False
    )
    is_significant_adult = forms.BooleanField(label="Significant adult", required=False)
    is_alleged_perpetrator = forms.BooleanField(label="Alleged perpetrator", required=False)
    lives_in_household = forms.BooleanField(label="Lives in the household", required=False)

    kind = ContactPerson.Kind.ADULT


ChildFormSet = forms.formset_factory(ChildForm, extra=0, min_num=1, max_num=20)
AdultFormSet = forms.formset_factory(AdultForm, extra=0, min_num=0, max_num=20)


def add_row(data: Any, prefix: str) -> Any:
    """A copy of the POST data with one more (empty) row in the `prefix` formset."""
    copy = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    copy[key] = str(int(copy.get(key, "0") or 0) + 1)
    return copy


# --------------------------------------------------------------------------- working a contact


class ScreeningForm(GovukFormMixin, forms.Form):
    """SC-2 threshold level, SC-6 urgency, CO-1/CO-2 consent and the rationale."""

    threshold_level = forms.ChoiceField(
        label="Threshold level",
        widget=RADIOS,
        error_messages={"required": "Choose the threshold level"},
    )
    rag = forms.ChoiceField(
        label="Urgency (RAG)",
        choices=Screening.Rag.choices,
        widget=RADIOS,
        help_text="Red: MASH checks within 4 working hours (TS-2). Amber: within 8 (TS-3).",
        error_messages={"required": "Choose the urgency"},
    )
    consent = forms.ChoiceField(
        label="Consent position",
        choices=Screening.Consent.choices,
        widget=RADIOS,
        error_messages={"required": "Choose the consent position"},
    )
    consent_override_reason = forms.CharField(
        label="Why seeking consent would put the child or others at risk",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to authorise checks without consent (CO-2).",
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the rationale"},
    )

    def __init__(self, *args: Any, levels: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "threshold_level", levels)


def set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    """Choices that come from the policy profile (threshold levels, local outcome names)."""
    field = form.fields[name]
    if isinstance(field, forms.ChoiceField):
        field.choices = choices


class OutcomeChoicesMixin:
    """The outcome radios in the profile's local words (OU-1), e.g. Calderdale's early help."""

    def __init__(self, *args: Any, outcomes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "outcome", outcomes)  # type: ignore[arg-type]


def _outcome_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Decision.Outcome.choices,
        widget=RADIOS,
        error_messages={"required": "Choose an outcome"},
    )


class RecommendationForm(OutcomeChoicesMixin, GovukFormMixin, forms.Form):
    analysis = forms.CharField(
        label="Your analysis",
        required=False,
        help_text=(
            "What the information means, against the child's history. Needed when partner "
            "agencies were asked (MA-6)."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    outcome = _outcome_field("Recommended outcome")
    rationale = forms.CharField(
        label="Rationale for the recommendation",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the rationale"},
    )


class DecisionForm(OutcomeChoicesMixin, GovukFormMixin, forms.Form):
    agrees = forms.ChoiceField(
        label="Do you agree with the recommendation?",
        choices=BOOLEAN_CHOICES,
        widget=RADIOS,
        error_messages={"required": "Choose whether you agree with the recommendation"},
    )
    outcome = _outcome_field("Outcome")
    rationale = forms.CharField(
        label="Rationale for the decision",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the rationale"},
    )
    signposting = forms.CharField(
        label="Information, advice or signposting given",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Printed word for word in the outcome letters to the referrer and each parent "
            "(OU-1 a, OU-4): write it for the family, not as a case note."
        ),
    )
    team = forms.ChoiceField(
        label="Which team does the case pass to?",
        required=False,
        widget=RADIOS,
        help_text=(
            "The team that acts on the outcome (MA-6). Needed for early help, section 17 and "
            "section 47; leave it for no further action or universal services."
        ),
    )

    hold_parent_letters = forms.BooleanField(
        label="Hold the letters to the parents",
        required=False,
        help_text=(
            "Hold them if telling the parents now would increase the risk to the child "
            "(CO-1). A manager releases them later. Where the parents were not told about the "
            "referral, they are held anyway."
        ),
    )
    hold_reason = forms.CharField(
        label="Why the parents' letters are held",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you hold the letters (CO-1).",
    )

    def __init__(self, *args: Any, teams: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "team", [*teams, (NO_TEAM, "No team: the MASH closes it")])

    def clean(self) -> dict[str, Any]:
        """CO-1: a held letter needs its reason."""
        data = super().clean() or {}
        if data.get("hold_parent_letters") and not (data.get("hold_reason") or "").strip():
            self.add_error("hold_reason", "Enter why the parents' letters are held")
        return data

    def clean_team(self) -> str:
        """The team code, or "" for none (a radio cannot have an empty value)."""
        team = self.cleaned_data.get("team", "")
        return "" if team == NO_TEAM else team


class ReturnForm(GovukFormMixin, forms.Form):
    to = forms.ChoiceField(
        label="Send back for",
        widget=RADIOS,
        choices=[
            (Contact.Status.INFORMATION_SHARING, "More MASH checks"),
            (Contact.Status.AWAITING_RECOMMENDATION, "A new recommendation"),
        ],
        error_messages={"required": "Choose what the contact needs"},
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are sending it back"},
    )


class NoteForm(GovukFormMixin, forms.Form):
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a note"},
    )

    def __init__(
        self, *args: Any, label: str = "Note", hint: str = "", required: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        note = self.fields["note"]
        note.label, note.help_text, note.required = label, hint, required


class WrittenConfirmationForm(GovukFormMixin, forms.Form):
    """What arrived to confirm a telephone referral (IN-7, TS-4): the file and/or the pasted
    email, how and when it came. The file is checked by its content (`attachments`)."""

    arrived_date = GovukDateField(label="Date it arrived")
    arrived_time = GovukTimeField(label="Time it arrived", help_text="For example, 9:30am or 14:05")
    how = forms.ChoiceField(
        label="How did it arrive?",
        choices=WrittenConfirmation.How.choices,
        widget=RADIOS,
        error_messages={"required": "Choose how the written confirmation arrived"},
    )
    file = forms.FileField(
        label="Upload the written confirmation",
        required=False,
        help_text="A PDF, a PNG or JPEG image, a Word document (.docx) or OpenDocument text "
        "(.odt), smaller than 10 MB.",
    )
    text = forms.CharField(
        label="Or paste the text of the email",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: multi-agency referral form received by secure email.",
    )

    def clean_file(self) -> Attachment | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > MAX_BYTES:  # refused before reading it into memory
            raise forms.ValidationError("The selected file must be smaller than 10 MB")
        try:
            # chunks() starts from the beginning: a form validated again (a 409) reads it all.
            return checked_attachment(upload.name or "", b"".join(upload.chunks()))
        except ApplicationError as error:
            raise forms.ValidationError(error.message.rstrip(".")) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, at = cleaned.get("arrived_date"), cleaned.get("arrived_time")
        if day and at:
            arrived = timezone.make_aware(datetime.combine(day, at))
            if arrived > timezone.now():
                self.add_error("arrived_time", "The time it arrived must not be in the future")
            cleaned["arrived_at"] = arrived
        if (
            not self.errors.get("file")
            and not cleaned.get("file")
            and not (cleaned.get("text") or "").strip()
        ):
            self.add_error("file", "Upload the written confirmation or paste the text of the email")
        return cleaned
