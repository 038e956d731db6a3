"""The wording of the service's own emails, rendered to plain text (issue 7, ADR 0018).

Kept in Python with gettext, so `makemessages` extracts it for translation like the letters'
wording. An email carries references, dates, the addressee's own name, the authority's contact
details and a link: never a child's or a family member's details (ADR 0017), because an inbox
is not a safe place for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from mash.core.formatting import datetime_gb


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def referral_acknowledgement(contact: Any, *, confirm_in_writing: bool) -> Email:
    """IN-8: the acknowledgement; with IN-7's reminder when a telephone referral must be
    confirmed in writing within 48 hours (TS-4)."""
    from mash.contacts.clocks import profile_of

    profile = profile_of(contact)
    lines = [
        _("Dear %(name)s,") % {"name": contact.referrer_name or _("colleague")},
        "",
        _("Thank you for contacting the %(service)s on %(received)s. We have received it.")
        % {"service": profile.service_name, "received": datetime_gb(contact.received_at)},
        "",
        _("Your reference is %(reference)s. Please quote it if you contact us about this again.")
        % {"reference": contact.reference},
    ]
    if confirm_in_writing:
        lines += [
            "",
            _(
                "You made this referral by telephone. Please confirm it in writing within 48 "
                "hours of your call, using the multi-agency referral form and quoting the "
                "reference above."
            ),
        ]
    lines += [
        "",
        _(
            "If you think a child is in immediate danger, call the police on 999. If you "
            "need to speak to us, call %(phone)s (out of hours: %(out_of_hours)s)."
        )
        % {
            "phone": profile.contact.mash_phone.value,
            "out_of_hours": profile.contact.out_of_hours_phone.value,
        },
        "",
        profile.service_name,
    ]
    return Email(
        subject=_("We have received your contact: reference %(reference)s")
        % {"reference": contact.reference},
        body="\n".join(lines),
    )


def information_request(*, agency: str, reference: str, due: str, link: str) -> Email:
    """MA-2: a request for checks waits in the agency's workspace; the details stay behind
    sign-in."""
    body = "\n".join(
        [
            _("A request for information for %(agency)s is waiting in your MASH workspace.")
            % {"agency": agency},
            "",
            _("Reference: %(reference)s") % {"reference": reference},
            _("Please answer by: %(due)s") % {"due": due},
            "",
            _("Sign in to read and answer it: %(link)s") % {"link": link},
        ]
    )
    return Email(
        subject=_("Request for information %(reference)s: answer by %(due)s")
        % {"reference": reference, "due": due},
        body=body,
    )
