import datetime as dt

import pytest
import time_machine
from django import forms
from django.core.validators import MaxLengthValidator

from mash.core.errors import ApplicationError
from mash.core.forms import GovukDateField, GovukFormMixin, GovukTimeField, lower_first


class DateForm(forms.Form):
    date_of_birth = GovukDateField(label="Date of birth", past=True)


def date_form(day: str = "", month: str = "", year: str = "") -> DateForm:
    data = {"date_of_birth_day": day, "date_of_birth_month": month, "date_of_birth_year": year}
    return DateForm(data)


def only_error(form: forms.Form, name: str) -> tuple[str, tuple[str, ...]]:
    (error,) = form.errors.as_data()[name]
    return error.messages[0], error.params["parts"]


def test_date_field_returns_a_date() -> None:
    form = date_form("4", "12", "2019")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == dt.date(2019, 12, 4)


def test_date_field_accepts_month_names_and_spaces() -> None:
    form = date_form(" 4 ", "Dec", "2019")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == dt.date(2019, 12, 4)


@pytest.mark.parametrize(
    ("typed", "message", "parts"),
    [
        (("", "", ""), "Enter date of birth", ("day", "month", "year")),
        (("4", "", "2019"), "Date of birth must include a month", ("month",)),
        (("", "", "2019"), "Date of birth must include a day and month", ("day", "month")),
        (("4", "x", "2019"), "Date of birth must be a real date", ("month",)),
        (("4", "13", "2019"), "Date of birth must be a real date", ("month",)),
        (("30", "2", "2019"), "Date of birth must be a real date", ("day",)),
        (("4", "12", "19"), "Year must include 4 numbers", ("year",)),
        (("4", "12", "2099"), "Date of birth must be in the past", ("day", "month", "year")),
    ],
)
def test_date_field_errors_follow_govuk_pattern(
    typed: tuple[str, str, str], message: str, parts: tuple[str, ...]
) -> None:
    form = date_form(*typed)
    assert not form.is_valid()
    assert only_error(form, "date_of_birth") == (message, parts)


@time_machine.travel(dt.datetime(2026, 12, 4, 12, tzinfo=dt.UTC), tick=False)
def test_past_means_before_today() -> None:
    assert not date_form("4", "12", "2026").is_valid()
    assert date_form("3", "12", "2026").is_valid()


def test_date_field_keeps_what_was_typed() -> None:
    form = date_form("31", "Febuary", "2019")
    assert not form.is_valid()
    assert form["date_of_birth"].value() == ["31", "Febuary", "2019"]


def test_optional_date_field_may_be_empty() -> None:
    class OptionalForm(forms.Form):
        seen_on = GovukDateField(required=False)

    form = OptionalForm({"seen_on_day": "", "seen_on_month": "", "seen_on_year": ""})
    assert form.is_valid()
    assert form.cleaned_data["seen_on"] is None


def test_date_widget_shows_a_saved_date_as_parts() -> None:
    form = DateForm(initial={"date_of_birth": dt.date(2019, 12, 4)})
    assert form["date_of_birth"].field.widget.decompress(dt.date(2019, 12, 4)) == [
        "4",
        "12",
        "2019",
    ]
    assert form["date_of_birth"].id_for_label == "id_date_of_birth_day"


class TimeForm(forms.Form):
    received = GovukTimeField(label="Time received")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15:30", dt.time(15, 30)),
        ("3:30pm", dt.time(15, 30)),
        ("3pm", dt.time(15)),
        ("3 PM", dt.time(15)),
        ("9.05am", dt.time(9, 5)),
        ("12am", dt.time(0)),
        ("12pm", dt.time(12)),
        ("midday", dt.time(12)),
        ("00:00", dt.time(0)),
    ],
)
def test_time_field_parses_common_ways_of_writing_a_time(typed: str, expected: dt.time) -> None:
    form = TimeForm({"received": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["received"] == expected


@pytest.mark.parametrize("typed", ["3", "25:00", "13pm", "3:75pm", "half three", "0am"])
def test_time_field_refuses_unclear_times(typed: str) -> None:
    form = TimeForm({"received": typed})
    assert not form.is_valid()
    assert form.errors["received"] == ["Time received must be a real time, like 9:30am or 15:30"]
    assert form["received"].value() == typed


def test_time_field_required_message() -> None:
    form = TimeForm({"received": ""})
    assert form.errors["received"] == ["Enter time received"]


def test_time_field_shows_a_saved_time_in_govuk_style() -> None:
    form = TimeForm(initial={"received": dt.time(15, 30)})
    assert form["received"].value() == "3:30pm"


class PlainForm(GovukFormMixin, forms.Form):
    error_names = {"child_name": "the child's name"}

    child_name = forms.CharField(label="What is the child's name?")
    nhs_number = forms.CharField(label="NHS number", max_length=10)
    agency = forms.ChoiceField(label="Agency", choices=[("police", "Police")])
    email = forms.EmailField(label="Email address")
    phone = forms.CharField(label="Phone", error_messages={"required": "Enter a phone number"})
    seen_on = GovukDateField(label="Date seen")


def test_mixin_gives_plain_required_messages() -> None:
    form = PlainForm({})
    assert form.errors["child_name"] == ["Enter the child's name"]
    assert form.errors["nhs_number"] == ["Enter NHS number"]
    assert form.errors["agency"] == ["Select agency"]
    assert form.errors["phone"] == ["Enter a phone number"]
    assert form.errors["seen_on"] == ["Enter date seen"]


def test_mixin_gives_plain_format_messages() -> None:
    form = PlainForm({"nhs_number": "12345678901", "agency": "nope", "email": "not-an-email"})
    assert form.errors["nhs_number"] == ["NHS number must be 10 characters or fewer"]
    assert form.errors["agency"] == ["Select agency from the list"]
    assert form.errors["email"] == [
        "Enter an email address in the correct format, like name@example.com"
    ]


def test_mixin_does_not_change_the_form_class_fields() -> None:
    PlainForm({})
    validators = PlainForm.base_fields["nhs_number"].validators
    (validator,) = [v for v in validators if isinstance(v, MaxLengthValidator)]
    assert "message" not in vars(validator)


def test_application_errors_land_on_their_field_or_the_form() -> None:
    form = PlainForm({})
    form.add_application_error(ApplicationError("Agency has left the MASH", field="agency"))
    form.add_application_error(ApplicationError("Contact already decided", field="status"))
    assert "Agency has left the MASH" in form.errors["agency"]
    assert form.non_field_errors() == ["Contact already decided"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Date of birth", "date of birth"), ("NHS number", "NHS number"), ("RAG", "RAG")],
)
def test_lower_first_leaves_acronyms(text: str, expected: str) -> None:
    assert lower_first(text) == expected
