"""Which contacts are referrals: the one reading every report and return shares (ADR 0020).

The DfE counts a **referral** when children's social care accepts a request for services
(CIN census N00100); a contact that never reached that point is a contact only (Annex A list 1).
At this front door a contact becomes a referral when either

- the manager's decision is a statutory response, a child in need assessment (s17) or a child
  protection enquiry (s47) (OU-1 d, e), so the referral leads to further action; or
- screening found it **meets the social care threshold** (SC-2) but the manager decided on no
  further action, universal services or early help: a referral with no further action
  (ReferralNFA, N00112).

The referral date is the day the contact was received (Europe/London): the census episode
starts when the request arrived, not when it was decided (TS-1 measures that gap).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from mash.contacts.models import Contact, Outcome

__all__ = [
    "FURTHER_ACTION",
    "local_date",
    "referral_contacts",
]

FURTHER_ACTION = frozenset({Outcome.S17, Outcome.S47})

_REFERRAL = Q(decision__outcome__in=FURTHER_ACTION) | Q(
    decision__isnull=False, screening__meets_social_care_threshold=True
)


def referral_contacts(queryset: QuerySet[Contact] | None = None) -> QuerySet[Contact]:
    """The decided contacts that count as referrals (see the module docstring)."""
    return (queryset if queryset is not None else Contact.objects.all()).filter(_REFERRAL)


def local_date(moment: datetime) -> date:
    """The calendar day of an instant in England (the returns count days, not instants)."""
    return timezone.localtime(moment).date()
