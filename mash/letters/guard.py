"""The last check before a letter is stored: it must not carry what it may never say.

Letters are built from a whitelist (`context.py`); this guard is the second line, for free
text a worker typed (signposting) that quotes something it should not. It refuses a letter
whose text contains:

- anything a partner agency told the MASH, or the MASH's analysis drawn from it (CO-4,
  CO-5): partner answers, their concern reasons, partner agencies' dispute reasons, the
  recommendation's analysis, a MASH meeting's analysis and actions, strategy reasons;
- who holds confidential information (CO-5);
- for a parent's letter, any part of a referrer's details that may not be disclosed (IN-9):
  name, phone, email, address, relationship.

The same sources `mash.dataprotection.subject_access` withholds, and the MASH's private
reasoning (screening, recommendation and decision rationales). Texts match on any run of five
words (or the whole text, when shorter). Names, addresses, postcodes and relationships are
checked word by word, phrase by phrase, in what a person typed for the letter (the
signposting): the rest of a letter is the product's own wording and whitelisted facts, where a
referrer called "May Green" would otherwise stop every letter dated in May or sent to Green
Lane. Across the whole letter a referrer's full name and a child's full name are still refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mash.contacts.models import Contact, Decision, Screening
from mash.core.errors import ApplicationError
from mash.sharing.models import Contribution

SHINGLE = 5
_WORD = re.compile(r"[\w-]+", re.UNICODE)  # "Jayden's" is "jayden", "s"
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame"})


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    if len(words) < 3:
        return set()  # "No concerns" is no quotation (and letters say it); names apart
    n = min(SHINGLE, len(words))
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _contains_run(letter_words: list[str], run: tuple[str, ...]) -> bool:
    n = len(run)
    return any(tuple(letter_words[i : i + n]) == run for i in range(len(letter_words) - n + 1))


def partner_drawn_texts(contact: Contact) -> list[str]:
    """Everything partner agencies told the MASH about `contact`, and the MASH's own analysis
    of it (what subject access withholds under the agencies' exemptions, CO-4, CO-5)."""
    texts: list[str] = []
    answers = Contribution.objects.filter(request__contact=contact)
    for answer in answers:
        texts += [answer.information, answer.analysis, answer.heightens_concern_reason]
        texts.append(answer.confidential_holder)
    texts += [r.analysis for r in contact.recommendations.all()]
    # The MASH's own reasoning is not for letters either (it often restates what partners said).
    texts += [r.rationale for r in contact.recommendations.all()]
    texts += list(Decision.objects.filter(contact=contact).values_list("rationale", flat=True))
    texts += list(Screening.objects.filter(contact=contact).values_list("rationale", flat=True))
    for case in contact.meeting_discussions.all():
        texts += [case.analysis, case.actions]
    texts += [talk.rationale for talk in contact.strategy_discussions.all()]
    texts += [
        d.reason
        for d in contact.disputes.select_related("raised_by_agency")
        if not d.raised_by_agency.is_childrens_social_care
    ]
    return [t for t in texts if t and t.strip()]


def confidential_holders(contact: Contact) -> list[str]:
    """Who holds confidential information (CO-5): never in a letter, in any form."""
    found = Contribution.objects.filter(request__contact=contact, has_confidential_information=True)
    return [c.confidential_holder for c in found if c.confidential_holder.strip()]


def _referrer_names(contact: Contact, allowed: set[str]) -> set[str]:
    """The referrer's name words, less titles and words the letter must use anyway (a
    grandparent referrer may share the child's family name)."""
    return {w for w in _words(contact.referrer_name) if w not in _TITLES and len(w) > 1} - allowed


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def check(
    text: str,
    contact: Contact,
    *,
    parent_letter: bool,
    allowed_names: Iterable[str] = (),
    own_address: str = "",
    standard_wording: str = "",
    free_text: str = "",
) -> None:
    """Refuse (ApplicationError) a letter text that says what it must not (CO-5, IN-9).
    A parent's letter also never carries another adult's address (`own_address` is theirs).

    A run of words that is also in `standard_wording` (the product's own sentences for this
    letter, from `wording.py` and the profile) is no quotation: a police answer saying "a
    social worker will contact you" must not stop every letter that says so too. `free_text`
    is what a person typed into this letter (the signposting): word-level checks read it."""
    letter_words = _words(text)
    standard = _words(standard_wording)
    for source in partner_drawn_texts(contact):
        runs = [run for run in _shingles(source) if not _contains_run(standard, run)]
        if any(_contains_run(letter_words, run) for run in runs):
            raise _refused("what a partner agency shared, or the MASH's reasoning (CO-5)")
    for holder in confidential_holders(contact):
        if _contains_run(letter_words, tuple(_words(holder))):
            raise _refused("who holds confidential information (CO-5)")
    if parent_letter and not contact.referrer_details_disclosable:
        _check_referrer(letter_words, free_text, contact, {w.lower() for w in allowed_names})
    if parent_letter:
        _check_other_addresses(free_text, contact, own_address)


def _phrases(part: str) -> list[tuple[str, ...]]:
    """The lines of an address or a relationship as word runs, each whole however short
    ("Neighbour", "NN1 2BB"), and long lines also as five-word runs."""
    found: list[tuple[str, ...]] = []
    for line in re.split(r"[\n,;]", part):
        words = tuple(_words(line))
        if not words:
            continue
        found.append(words) if len(words) <= SHINGLE else found.extend(_shingles(line))
    return found


def _check_other_addresses(free_text: str, contact: Contact, own: str) -> None:
    """OU-4: a parent's letter never gives another adult's address (who lives where may be
    exactly what must stay private, e.g. after domestic abuse)."""
    typed = _words(free_text)
    if not typed:
        return
    mine = set(_phrases(own))
    for adult in contact.adults():
        # Lines of two words or more (a street, a postcode): a town alone is no address.
        theirs = [p for p in _phrases(f"{adult.address}\n{adult.postcode}") if len(p) > 1]
        if any(_contains_run(typed, p) for p in theirs if p not in mine):
            raise _refused("another adult's address (OU-4)")


_MONTHS = frozenset(
    {
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    }
)


def check_public(
    text: str, contact: Contact, *, outcome_words: Iterable[str], standard_wording: str = ""
) -> None:
    """OU-4: a member of the public's letter names no child and tells no outcome.

    A child's name word that is also an ordinary word of the letter (the product's wording,
    or a month in a date: a child called May) does not count on its own."""
    letter_words = _words(text)
    ordinary = set(_words(standard_wording)) | _MONTHS | set(_words(contact.referrer_name))
    for child in contact.children():
        names = {w for w in _words(child.full_name) if len(w) > 1} - ordinary - {"name", "not"}
        if names & set(letter_words):
            raise _refused("a child's name to a member of the public (OU-4)")
    for phrase in outcome_words:
        if phrase and any(_contains_run(letter_words, run) for run in _shingles(phrase)):
            raise _refused("the outcome to a member of the public (OU-4)")


def _check_referrer(
    letter_words: list[str], free_text: str, contact: Contact, allowed: set[str]
) -> None:
    """IN-9: no part of a non-professional or anonymous referrer's details: the full name
    nowhere in the letter; no name word, phone, email, address line, postcode or
    relationship in what a person typed into it."""
    full = tuple(w for w in _words(contact.referrer_name) if w not in _TITLES)
    if len(full) > 1 and _contains_run(letter_words, full):
        raise _refused("the referrer's name (IN-9)")
    typed = _words(free_text)
    if not typed:
        return
    if _referrer_names(contact, allowed) & set(typed):
        raise _refused("the referrer's name (IN-9)")
    phone = _digits(contact.referrer_phone)
    if len(phone) >= 6 and phone in _digits(free_text):
        raise _refused("the referrer's phone number (IN-9)")
    email = contact.referrer_email.lower()
    if email and (email in free_text.lower() or email.split("@")[0] in typed):
        raise _refused("the referrer's email address (IN-9)")
    for part in (contact.referrer_address, contact.referrer_relationship):
        if any(_contains_run(typed, phrase) for phrase in _phrases(part)):
            raise _refused("the referrer's address or relationship to the family (IN-9)")


def _refused(what: str) -> ApplicationError:
    return ApplicationError(
        f"This letter would disclose {what}. Nothing was sent: take it out of the "
        "information, advice or signposting and record the decision again.",
        field="signposting",
        rule_ids=("CO-5", "IN-9", "OU-4"),
    )
