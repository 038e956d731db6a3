"""The consent position for partner checks and the basis each agency's check rests on.

CO-1: parents' permission is sought unless that would put the child at risk. CO-2: if they
have not consented, a Team or Practice Manager may authorise checks without it. CO-3:
co-located agencies' electronic checks need no consent; other agencies need it unless there
is a child protection concern.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mash.contacts.models import Contact, Screening
from mash.sharing.models import ConsentRecord, InformationRequest

Basis = InformationRequest.ConsentBasis
Position = ConsentRecord.Position

_FROM_SCREENING = {
    Screening.Consent.GIVEN: Position.GIVEN,
    Screening.Consent.OVERRIDDEN: Position.OVERRIDDEN,  # the screener is a PM or TM (CO-2)
}


@dataclass(frozen=True)
class ConsentPosition:
    """Where consent stands now: the latest record, else the screening's."""

    position: str | None  # a ConsentRecord.Position, or None: not given and not overridden
    label: str
    detail: str
    recorded_by: Any
    recorded_at: datetime | None

    @property
    def consented(self) -> bool:
        return self.position == Position.GIVEN

    @property
    def overridden(self) -> bool:
        return self.position == Position.OVERRIDDEN


def consent_position(contact: Contact) -> ConsentPosition:
    """The consent position for checks on `contact` (CO-1, CO-2)."""
    latest = contact.consent_records.select_related("recorded_by").order_by("-recorded_at").first()
    if latest is not None:
        return ConsentPosition(
            latest.position,
            latest.get_position_display(),
            latest.detail,
            latest.recorded_by,
            latest.recorded_at,
        )
    screening = getattr(contact, "screening", None)
    if screening is None:
        return ConsentPosition(None, "Not yet screened", "", None, None)
    return ConsentPosition(
        _FROM_SCREENING.get(screening.consent),
        screening.get_consent_display(),
        screening.consent_override_reason,
        screening.screened_by,
        screening.screened_at,
    )


def has_child_protection_concern(contact: Contact) -> bool:
    """A child protection concern for CO-3: flagged at intake (IN-10) or screened RED."""
    if contact.child_protection_concern:
        return True
    screening = getattr(contact, "screening", None)
    return screening is not None and screening.rag == Screening.Rag.RED


def consent_basis(agency: Any, position: ConsentPosition, child_protection: bool) -> str | None:
    """The basis for checking with `agency`, or None when consent is needed and missing."""
    if agency.co_located:
        return Basis.CO_LOCATED
    if position.consented:
        return Basis.CONSENT
    if child_protection:
        return Basis.CHILD_PROTECTION
    if position.overridden:
        return Basis.OVERRIDE
    return None


def basis_note(basis: str, position: ConsentPosition) -> str:
    """Who consented or authorised, for the request's record (CO-2: "the authorisation or
    consent is recorded")."""
    if basis not in (Basis.CONSENT, Basis.OVERRIDE) or position.recorded_by is None:
        return ""
    who = position.recorded_by.display_name()
    detail = f": {position.detail}" if position.detail else ""
    return f"{position.label}, recorded by {who}{detail}"
