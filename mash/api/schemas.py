"""Request and response shapes of the partner API (/api/v1/), documented in its OpenAPI."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from ninja import Field
from ninja import Schema as NinjaSchema
from pydantic import AwareDatetime, field_validator

YesNoUnknown = Literal["YES", "NO", "UNKNOWN"]


class Schema(NinjaSchema):
    """Every shape of the API. Text may not hold the NUL character: no database column can
    store it (PostgreSQL refuses it), and Django's own forms refuse it too."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_character(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("must not contain the NUL character (\\u0000)")
        return value


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
    concern_categories: list[str] = Field(
        [],
        description="Typed concerns (codes from GET /api/v1/concern-categories), aligned with "
        "the CIN census factors; some start a local pathway (SP-1 to SP-4, SC-8).",
    )
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


class RuleOut(Schema):
    """Why: the rule id (RULES.md), a one-line summary and the seed document and section."""

    rule_id: str
    summary: str
    source: str


class ClockOut(Schema):
    rule_id: str
    label: str
    due_at: datetime
    met_at: datetime | None
    source: str = Field(description="The seed document and section the timescale comes from.")
    explanation: list[str] = Field(description="How the due time was worked out, step by step.")


class RouteOut(Schema):
    """Who has the contact (OU-3) in general terms, and the rules why: "MASH" or "TEAM".

    Which team, or why (an open case, a recent one), is not the referrer's to know (CO-4)."""

    destination: str
    destination_text: str
    rules: list[RuleOut]


class ConcernCategoryOut(Schema):
    code: str
    label: str
    cin_factors: list[str]
    pathway: str


class ContactReceipt(Schema):
    """What the partner keeps: the reference to quote, when things are due and who acts."""

    id: str
    reference: str
    status: str
    status_text: str
    received_at: datetime
    clocks: list[ClockOut]
    route: RouteOut | None


class ProblemOut(Schema):
    """A plain-English error. `errors` lists each bad field when there are several, each
    with the rules that refused it (`rules`, and `explanations` with their sources)."""

    message: str
    errors: list[dict[str, Any]] = []


# Every operation may answer 401 (no valid bearer token) and 422 (a parameter or body that
# does not fit the schema); the OpenAPI document says so, and the fuzz tests hold it to that.
COMMON_PROBLEMS: dict[int, type[ProblemOut]] = {401: ProblemOut, 422: ProblemOut}
# A write may also send a body that is not JSON (400), be refused by a domain rule (403, 422)
# or collide with another write (409).
WRITE_PROBLEMS: dict[int, type[ProblemOut]] = {
    **COMMON_PROBLEMS,
    400: ProblemOut,
    403: ProblemOut,
    409: ProblemOut,
}


# --------------------------------------------------------------------------- information sharing


class RequestSummaryOut(Schema):
    """An information request addressed to the partner's agency (MA-2)."""

    id: str
    contact_reference: str
    agency: str
    rag: str
    rule_id: str = Field(description="TS-2 (RED, 4 working hours) or TS-3 (AMBER, 8).")
    requested_at: datetime
    due_at: datetime
    status: str
    status_text: str
    is_repeat: bool = Field(description="A repeat concern: update your previous answer (MA-5).")


class PersonOut(Schema):
    """A child or adult as the referrer described them, to search your own systems."""

    kind: Literal["CHILD", "ADULT"]
    given_names: str
    family_name: str
    other_names: str
    date_of_birth: date | None
    gender: str
    nhs_number: str
    upn: str
    address: str
    postcode: str
    school_or_nursery: str
    relationship_to_child: str
    roles: list[str]


class AnswerOut(Schema):
    """One answer from the agency: its section of the MAIS form."""

    id: str
    kind: str
    kind_text: str
    information: str
    analysis: str
    heightens_concern: bool
    heightens_concern_reason: str
    has_confidential_information: bool
    confidential_holder: str
    awaiting_asked_at: datetime | None
    awaiting_method: str
    awaiting_from_name: str
    awaiting_from_designation: str
    recorded_by: str
    recorded_at: datetime


class InformationRequestOut(RequestSummaryOut):
    """The whole request: the concern, the question, the legal basis and who to search for."""

    concern_summary: str
    question: str
    consent_basis: str
    legal_basis: str
    legal_basis_text: str
    sharing_agreement: str
    contact_open: bool
    people: list[PersonOut]
    answers: list[AnswerOut]
    previous_answer: AnswerOut | None
    version: int = Field(
        description="Changes with every answer, chase or close. Send it back as `If-Match` "
        "when answering: if the request changed since you read it, nothing is saved (409)."
    )


class AnswerIn(Schema):
    """The agency's answer (MA-2 … MA-4, CO-5). For INFORMATION give the information (unless
    only confidential information is held) and the analysis; for AWAITING give when, how and
    from whom you asked (MA-3). Never describe confidential information: say who holds it."""

    kind: Literal["INFORMATION", "NIL_RETURN", "AWAITING"]
    information: str = ""
    analysis: str = ""
    heightens_concern: bool = False
    heightens_concern_reason: str = ""
    has_confidential_information: bool = False
    confidential_holder: str = ""
    awaiting_asked_at: AwareDatetime | None = Field(
        None, description="With its UTC offset, for example 2026-12-02T09:30:00+00:00."
    )
    awaiting_method: Literal[
        "", "EMAIL", "TELEPHONE", "CASE_SYSTEM", "IN_PERSON", "LETTER", "OTHER"
    ] = ""
    awaiting_from_name: str = Field("", max_length=200)
    awaiting_from_designation: str = Field("", max_length=200)
    updates_answer_id: uuid.UUID | None = Field(
        None,
        description="The latest answer you have seen; omit to skip the check for newer ones.",
    )


class ExportColumn(Schema):
    key: str
    title: str


class ExportOut(Schema):
    """MA-8: one row per answer, with the decision and any challenge the agency raised."""

    columns: list[ExportColumn]
    rows: list[dict[str, str]]
