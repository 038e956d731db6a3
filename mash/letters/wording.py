"""Every word of the outcome letters, translatable (FA-1, OU-3, OU-4, DM-3, IN-9).

Jinja2 templates are not read by `makemessages`, so the wording lives here, marked with
gettext, and the templates (`letter_templates/`) only arrange it. `words(kind, outcome, c)`
must run inside `translation.override(letter language)`: it returns the translated
paragraphs for one letter, filled from the whitelisted `LetterContext` only.

Kinds: "professional" (a professional referrer, OU-3, DM-3), "public" (a member of the
public: no outcome, no child, no family detail, OU-4) and "parent" (OU-4, DM-3, IN-9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from mash.letters.context import LetterContext

OUTCOMES = ("NFA", "UNIVERSAL", "EARLY_HELP", "S17", "S47")


def _common(c: LetterContext) -> dict[str, str]:
    return {
        "date_label": _("Date"),
        "reference_label": _("Our reference"),
        "phone_label": _("Phone"),
        "out_of_hours_label": _("Out of hours"),
        "email_label": _("Email"),
        "greeting": _("Dear %(name)s,") % {"name": c.addressee_name},
        "sign_off": _("Yours sincerely,"),
        "signature": _("%(service)s, %(authority)s")
        % {"service": c.service_name, "authority": c.authority},
        "contact_us": _(
            "If you have any questions, phone the %(service)s on %(phone)s "
            "(out of hours: %(out_of_hours)s) and quote our reference %(reference)s."
        )
        % {
            "service": c.service_name,
            "phone": c.mash_phone,
            "out_of_hours": c.out_of_hours_phone,
            "reference": c.reference,
        },
    }


def _professional(c: LetterContext) -> dict[str, str]:
    """OU-3: the outcome in plain English, who acts, what happens next and when; DM-3."""
    acting = (
        _("%(team)s will now take the case forward.") % {"team": c.team_name}
        if c.team_name
        else _("The %(service)s has closed the contact; no team will take further action.")
        % {"service": c.service_name}
    )
    return {
        "subject": _("Outcome of your referral %(reference)s") % {"reference": c.reference},
        "intro": _(
            "Thank you for your referral to the %(service)s, received on %(received)s "
            "(our reference %(reference)s). A manager has decided what happens next."
        )
        % {"service": c.service_name, "received": c.received, "reference": c.reference},
        "outcome_heading": _("The decision"),
        "outcome": _("Outcome: %(outcome)s.") % {"outcome": c.outcome_label},
        "acting": acting,
        "next_heading": _("What happens next"),
        "next_NFA": _(
            "No further action will be taken by children's social care. If you have new "
            "concerns about the child, make a new referral."
        ),
        "next_UNIVERSAL": _(
            "The child's needs can be met by universal services such as school, the GP or "
            "the health visitor. Please continue to support the family and make a new "
            "referral if your concerns grow."
        ),
        "next_EARLY_HELP": _(
            "The early help team will contact the family to offer an Early Help Assessment, "
            "with their agreement. They may ask you to take part as the lead professional "
            "or as part of the team around the family."
        ),
        "next_S17": _(
            "A social worker will carry out a Child and Family Assessment under section 17 "
            "of the Children Act 1989. The assessment is completed within 45 working days. "
            "The social worker may contact you for information."
        ),
        "next_S47": _(
            "A strategy discussion will decide whether child protection enquiries under "
            "section 47 of the Children Act 1989 are needed. Please do not discuss the "
            "concerns with the family until the social worker has agreed this with you."
        ),
        "signposting_heading": _("Information, advice or signposting"),
        "disagree_heading": _("If you disagree"),
        "disagree": _(
            "If you disagree with this decision, speak to the %(service)s manager on "
            "%(phone)s. If you still disagree, use the multi-agency escalation (case "
            "resolution) procedure of the safeguarding partnership."
        )
        % {"service": c.service_name, "phone": c.mash_phone},
        "complain": _("To make a complaint: %(complaints)s") % {"complaints": c.complaints},
    }


def _public(c: LetterContext) -> dict[str, str]:
    """OU-4: confirms receipt and action, shares nothing about the family."""
    return {
        "subject": _("Your contact with the %(service)s, %(reference)s")
        % {"service": c.service_name, "reference": c.reference},
        "intro": _(
            "Thank you for contacting the %(service)s on %(received)s (our reference "
            "%(reference)s). We have received the information you gave us and we have acted "
            "on it."
        )
        % {"service": c.service_name, "received": c.received, "reference": c.reference},
        "confidential": _(
            "To protect the family's privacy, we cannot tell you what we decided or what "
            "happens next. This is not because your concern was not taken seriously."
        ),
        "again": _(
            "If you are worried about a child again, contact us again. If a child is in "
            "immediate danger, phone 999."
        ),
        "complain": _("If you are unhappy with how we dealt with your contact: %(complaints)s")
        % {"complaints": c.complaints},
    }


def _parent(c: LetterContext) -> dict[str, str]:
    """OU-4 and DM-3: the outcome for their children, what next, how to complain, advocacy.
    Never who referred, unless a professional who may be named, by organisation (IN-9)."""
    about = (
        _("We received a referral about %(children)s from %(organisation)s on %(received)s.")
        % {"children": c.children, "organisation": c.referrer_organisation, "received": c.received}
        if c.referrer_organisation
        else _("We received a referral about %(children)s on %(received)s.")
        % {"children": c.children, "received": c.received}
    )
    return {
        "subject": _("What we decided about the referral for %(children)s")
        % {"children": c.children},
        "intro": about,
        "outcome_heading": _("What we decided"),
        "outcome": c.family_sentence,
        "next_heading": _("What happens next"),
        "next_NFA": _("We will not take any further action. You do not need to do anything."),
        "next_UNIVERSAL": _(
            "You do not need to do anything. The services you already use, such as school, "
            "your GP or health visitor, can help you and your children."
        ),
        "next_EARLY_HELP": _(
            "Someone from %(team)s will contact you to talk about the support on offer. "
            "Early help is voluntary: it needs your agreement."
        )
        % {"team": c.team_name or _("the early help team")},
        "next_S17": _(
            "A social worker from %(team)s will contact you to arrange a Child and Family "
            "Assessment with you. It is finished within 45 working days, and you can add "
            "your views to it."
        )
        % {"team": c.team_name or _("children's social care")},
        "next_S47": _(
            "A social worker from %(team)s will contact you soon to talk to you about the "
            "concerns and what happens next."
        )
        % {"team": c.team_name or _("children's social care")},
        "signposting_heading": _("Information and advice"),
        "complain_heading": _("If you are unhappy"),
        "complain_first": _(
            "Please talk to us first: phone the %(service)s on %(phone)s. We will try to put "
            "things right."
        )
        % {"service": c.service_name, "phone": c.mash_phone},
        "complain": _("How to complain: %(complaints)s") % {"complaints": c.complaints},
        "advocacy_heading": _("Help to have your say"),
        "advocacy": _(
            "An advocate can help you and your children say what you think and take part in "
            "decisions: %(advocacy)s"
        )
        % {"advocacy": c.advocacy},
        "interpreter": _(
            "If you would like this letter in another language or format, or an interpreter, "
            "phone us on %(phone)s."
        )
        % {"phone": c.mash_phone},
    }


_BY_KIND = {"professional": _professional, "public": _public, "parent": _parent}
# The rules each kind of letter carries out, printed at its foot so anyone checking the letter
# against the procedures can find them (RULES.md).
RULES_BY_KIND = {
    "professional": ("OU-3", "OU-4", "DM-3"),
    "public": ("OU-4", "IN-9"),
    "parent": ("OU-4", "DM-3", "IN-9", "CO-1"),
}


def words(kind: str, c: LetterContext) -> dict[str, str]:
    """The translated wording of one letter (call inside `translation.override`)."""
    rules = {
        "rules": _("This letter follows our procedures %(rules)s.")
        % {"rules": ", ".join(RULES_BY_KIND[kind])}
    }
    return {**_common(c), **_BY_KIND[kind](c), **rules}
