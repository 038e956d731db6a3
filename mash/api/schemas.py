"""Request and response shapes of the partner API (/api/v1/), documented in its OpenAPI."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

YesNoUnknown = Literal["YES", "NO", "UNKNOWN"]


class PersonIn(Schema):
    """A child or adult as the partner knows them (IN-5). Everything is optional."""

    given_names: str = Field("", max_length=200)
    family_name: str = Field("", max_length=200)
    other_names: str = Field("", description="Aliases and spelling variations, one per line.")
    date_of_birth: date | None = None
    gender: Literal["", "F", "M", "O", "U"] = ""
    nhs_number: str = Field("", max_length=10, pattern=r"^(\d{10})?$")
    upn: str = Field("", max_length=13)
    address: str = ""
    postcode: str = Field("", max_length=10)
    school_or_nursery: str = Field("", max_length=200)
    ethnicity: str = Field("", max_length=100)
    first_language: str = Field("", max_length=100)
    religion: str = Field("", max_length=100)
    special_needs: str = ""


class AdultIn(PersonIn):
    """An adult around the child(ren): parental responsibility, significant adult, perpetrator."""

    relationship_to_child: str = Field("", max_length=200)
    has_parental_responsibility: bool = False
    is_significant_adult: bool = False
    is_alleged_perpetrator: bool = False
    lives_in_household: bool = True


class ReferrerIn(Schema):
    """The practitioner making the contact for the partner agency."""

    name: str = Field("", max_length=200)
    role: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    relationship: str = Field("", description="Relationship to and knowledge of the family.")


class ContactIn(Schema):
    """A contact sent by a partner system (IN-2 'notifications from partner systems')."""

    received_at: datetime | None = Field(
        None, description="When the partner raised it; defaults to when the API received it."
    )
    purpose: Literal["REQUEST_FOR_INFORMATION", "PROVISION_OF_INFORMATION", "REQUEST_FOR_SERVICES"]
    referrer: ReferrerIn
    children: list[PersonIn] = Field(..., min_length=1)
    adults: list[AdultIn] = []
    concern_summary: str = Field(..., min_length=1)
    concern_source_and_timing: str = ""
    significant_events: str = ""
    child_location_and_condition: str = ""
    immediate_protection_needed: YesNoUnknown = "UNKNOWN"
    child_protection_concern: bool = False
    possible_offence: bool = False
    police_informed: bool = False
    other_agencies_involved: str = ""
    existing_assessment: str = ""
    child_views: str = ""
    parents_aware: YesNoUnknown = "UNKNOWN"
    parents_consent: YesNoUnknown = "UNKNOWN"
    parents_not_informed_reason: str = ""


class ClockOut(Schema):
    rule_id: str
    label: str
    due_at: datetime
    met_at: datetime | None


class ContactReceipt(Schema):
    """What the partner keeps: the reference to quote and when things are due."""

    id: str
    reference: str
    status: str
    status_text: str
    received_at: datetime
    clocks: list[ClockOut]


class ProblemOut(Schema):
    """A plain-English error. `errors` lists each bad field when there are several."""

    message: str
    errors: list[dict[str, str]] = []
