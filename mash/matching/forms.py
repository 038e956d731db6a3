"""The search-before-create form: what a practitioner knows of the person they are looking for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from mash.core.forms import (
    DATE_PARTS,
    GovukDateField,
    GovukFormMixin,
    date_part_number,
    strip_date_parts,
)
from mash.matching.identifiers import clean
from mash.matching.records import PersonRecord
from mash.matching.services import record_for_details


class BirthDateQueryField(GovukDateField):
    """A date of birth to search by. The day may be left blank when it is not known (IN-5).

    Returns a `date`, a (year, month) pair when the day is blank, or None.
    """

    def clean(self, value: Any) -> dt.date | tuple[int, int] | None:  # type: ignore[override]
        typed = dict(zip(DATE_PARTS, strip_date_parts(value), strict=True))
        if typed["month"] and typed["year"] and not typed["day"]:
            month, year = (
                date_part_number("month", typed["month"]),
                date_part_number("year", typed["year"]),
            )
            if month is None or year is None or not 1 <= month <= 12:
                raise self.error("invalid", ("month", "year"))
            if len(typed["year"]) != 4:
                raise self.error("year_length", ("year",))
            return (year, month)
        return super().clean(value)


class MatchSearchForm(GovukFormMixin, forms.Form):
    """Search the social-care database for a person (SC-4): any mix of names, date and numbers."""

    given_names = forms.CharField(label="First name", required=False, max_length=200)
    family_name = forms.CharField(label="Last name", required=False, max_length=200)
    date_of_birth = BirthDateQueryField(
        label="Date of birth",
        required=False,
        past=True,
        help_text="Leave the day blank if it is not known. For example, 27 3 2015",
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    nhs_number = forms.CharField(
        label="NHS number", required=False, max_length=20, help_text="10 digits"
    )

    def clean_nhs_number(self) -> str:
        value = clean(self.cleaned_data.get("nhs_number", ""))
        if value and (len(value) != 10 or not value.isdigit()):
            raise forms.ValidationError("NHS number must be 10 digits, like 999 123 4560")
        return value

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        searched = ("given_names", "family_name", "date_of_birth", "nhs_number", "postcode")
        if not any(cleaned.get(name) for name in searched):
            self.add_error(
                "family_name", "Enter a name, a date of birth or an NHS number to search"
            )
        return cleaned

    def record(self, household: tuple[str, ...] = ()) -> PersonRecord:
        """The query, for the matcher (call after is_valid)."""
        data = self.cleaned_data
        born = data.get("date_of_birth")
        year_month = born if isinstance(born, tuple) else (None, None)
        return record_for_details(
            given_names=data.get("given_names", ""),
            family_name=data.get("family_name", ""),
            date_of_birth=born if isinstance(born, dt.date) else None,
            birth_year=year_month[0],
            birth_month=year_month[1],
            postcode=data.get("postcode", ""),
            nhs_number=data.get("nhs_number", ""),
            household=household,
        )
