"""The letters' rules, through decide() and the letters' services (OU-3, OU-4, IN-9, CO-1,
CO-5, DM-1, DM-3). PDFs are read back with pdftotext: what is checked is what is posted."""

from __future__ import annotations

import dataclasses
import re

import pytest

from conftest import child
from mash.contacts import selectors, services
from mash.contacts.models import Contact
from mash.core.errors import ApplicationError, NotPermitted
from mash.letters import services as letters
from mash.letters.models import Letter
from mash.letters.tests.conftest import NEIGHBOUR, OTHER_PARENT, PARENT, TEACHER
from mash.letters.tests.pdf import text
from mash.notifications import services as outbox
from mash.notifications.delivery import LogAdapter
from mash.notifications.models import Notification

pytestmark = pytest.mark.django_db
POLICE_ANSWER = "Two domestic call-outs in May."  # conftest.share_checks
POLICE_ANALYSIS = "Escalating pattern of violence at home."


def _said(letter: Letter) -> str:
    """The PDF's words, one space apart, lower case."""
    return " ".join(text(bytes(letter.pdf)).split()).lower()


def _parent_letters(contact: Contact) -> list[Letter]:
    return list(contact.letters.current().filter(audience=Letter.Audience.PARENT))


def _referrer_letter(contact: Contact) -> Letter:
    return contact.letters.current().get(audience=Letter.Audience.REFERRER)


def test_a_professional_referrer_is_emailed_the_outcome_who_acts_and_how_to_disagree(
    decide_contact,
):
    contact = decide_contact("S17")
    letter = _referrer_letter(contact)
    assert letter.channel == Letter.Channel.EMAIL and letter.status == Letter.Status.ISSUED
    [email] = Notification.objects.filter(letter_id=letter.pk)
    assert email.kind == "outcome_letter" and email.channel == Notification.Channel.EMAIL
    assert email.recipient == TEACHER["referrer_email"]
    assert email.subject == f"Outcome of your referral {contact.reference}"
    assert email.body == letter.text
    from mash.contacts.clocks import profile_of

    profile = profile_of(contact)
    body = " ".join(email.body.split())
    assert f"Outcome: {profile.outcome('S17').label}." in body  # OU-3
    assert f"{contact.decision.passed_to.name} will now take the case forward." in body
    assert "45 working days" in body  # the timescale
    assert "If you disagree" in body and "escalation" in body  # DM-3
    assert profile.contact.mash_phone.value in body
    assert " ".join(profile.contact.complaints.value.split()) in body
    assert "Jayden" not in body  # the email carries the reference, not the child's name
    assert "private" not in body.lower()  # never the rationale or the analysis


def test_a_parent_is_posted_the_outcome_next_steps_complaints_and_advocacy(decide_contact):
    from mash.contacts.clocks import profile_of

    contact = decide_contact("S17")
    [letter] = _parent_letters(contact)
    assert letter.channel == Letter.Channel.LETTER and letter.status == Letter.Status.ISSUED
    assert letter.address_lines == ["Dana Smyth", "12 Elm Road", "Northampton", "NN1 1AA"]
    [post] = Notification.objects.filter(letter_id=letter.pk)
    assert post.channel == Notification.Channel.LETTER and post.kind == "outcome_letter"
    said = _said(letter)
    profile = profile_of(contact)
    assert "jayden smyth" in said
    assert " ".join(profile.outcome("S17").family_sentence.split()).lower() in said
    assert " ".join(profile.contact.complaints.value.split()).lower() in said  # DM-3
    assert " ".join(profile.contact.advocacy.value.split()).lower() in said  # OU-4
    assert "talk to us first" in said  # the MASH first, then customer feedback (DM-3)
    assert "brook primary school" in said  # a professional may be named by organisation
    assert "ms teacher" not in said and "teacher@" not in said  # never by name (IN-9)
    assert "procedures ou-4, dm-3, in-9, co-1" in said  # the rules it carries out, cited


@pytest.mark.parametrize("outcome", ["NFA", "S47"])
def test_a_parent_letter_has_no_part_of_a_public_referrer_s_details(decide_contact, outcome):
    """IN-9: name, phone, email, address and relationship of a neighbour who referred."""
    contact = decide_contact(outcome, referrer=NEIGHBOUR, people=[child(), PARENT, OTHER_PARENT])
    parent_letters = _parent_letters(contact)
    assert len(parent_letters) == 2
    for letter in parent_letters:
        said = _said(letter)
        for word in ("gwendolyn", "harbottle", "larch", "neighbour", "shouting", "nn1 2bb"):
            assert word not in said
        assert "960321" not in re.sub(r"\D", "", said)
        assert "gwen" not in said
        assert "received a referral about jayden smyth on" in said  # from no one
    dana = next(x for x in parent_letters if x.addressee.given_names == "Dana")
    assert "willow" not in _said(dana) and "nn17" not in _said(dana)  # another adult's address


def test_a_member_of_the_public_hears_we_acted_and_nothing_about_the_family(decide_contact):
    """OU-4: no child's name, no outcome, no family details."""
    contact = decide_contact("S47", referrer=NEIGHBOUR)
    letter = _referrer_letter(contact)
    assert letter.channel == Letter.Channel.LETTER  # their inbox may be read by others
    assert letter.address_lines == [
        "Mrs Gwendolyn Harbottle",
        "3 Larch Lane",
        "Northampton",
        "NN1 2BB",
    ]
    said = _said(letter)
    assert "we have received the information you gave us and we have acted on it" in said
    assert "we cannot tell you what we decided" in said
    for word in (
        "jayden",
        "smyth",
        "dana",
        "section 47",
        "strategy",
        "social worker",
        "assessment",
    ):
        assert word not in said
    assert "child protection" not in said


def test_an_anonymous_referrer_gets_no_letter(decide_contact):
    contact = decide_contact("NFA", referrer={"referrer_source": "9", "referrer_name": ""})
    assert not contact.letters.filter(audience=Letter.Audience.REFERRER).exists()
    assert len(_parent_letters(contact)) == 1


def test_no_letter_to_an_adult_without_parental_responsibility(decide_contact):
    uncle = services.PersonDetails(
        kind="ADULT", given_names="Ian", family_name="Smyth", address="1 A St", postcode="NN1 1AA"
    )
    contact = decide_contact("NFA", people=[child(), uncle])
    assert _parent_letters(contact) == []


def test_parents_not_told_means_their_letters_are_held_until_a_manager_releases(
    decide_contact, meera, sam
):
    """CO-1: telling the parents would increase the risk."""
    contact = decide_contact(
        "S47", parents_aware="NO", parents_not_informed_reason="Father may flee with the child."
    )
    [letter] = _parent_letters(contact)
    assert letter.status == Letter.Status.HELD
    assert "Father may flee with the child." in letter.hold_reason
    assert not Notification.objects.filter(letter_id=letter.pk).exists()
    with pytest.raises(NotPermitted):
        letters.release(letter, by=sam, reason="Safe now.")
    with pytest.raises(ApplicationError) as refused:
        letters.release(letter, by=meera, reason="  ")
    assert refused.value.field == "reason"
    released = letters.release(letter, by=meera, reason="Strategy meeting agreed to tell them.")
    assert released.status == Letter.Status.ISSUED and released.released_by == meera
    assert Notification.objects.filter(letter_id=letter.pk).count() == 1
    assert _referrer_letter(contact).status == Letter.Status.ISSUED  # the referrer's goes
    whats = [e["what"] for e in selectors.contact_activity(contact)]
    assert "Outcome letter to a parent held (CO-1)" in whats
    assert "Held outcome letter released by a manager (CO-1)" in whats


def test_consent_overridden_at_screening_holds_the_parent_letters(carys, sam, priya, meera, polly):
    from conftest import screen_at_threshold, share_checks

    contact = services.record_contact(
        by=carys,
        people=[child(), PARENT],
        **_professional_details(),
    )
    screen_at_threshold(
        contact,
        checked_by=sam,
        screened_by=priya,
        consent="OVERRIDDEN",
        consent_override_reason="Asking would alert the alleged abuser.",
    )
    share_checks(contact, asked_by=sam, partner=polly)
    services.recommend_outcome(contact, by=sam, outcome="S47", rationale="r", analysis="a")
    services.decide(
        contact,
        by=meera,
        agrees=True,
        outcome="S47",
        rationale="r",
        team=services.suggested_team(contact, "S47"),
    )
    [letter] = _parent_letters(contact)
    assert letter.status == Letter.Status.HELD
    assert "Asking would alert the alleged abuser." in letter.hold_reason


def _professional_details() -> dict:
    from conftest import contact_details

    return contact_details(**TEACHER)


def test_a_manager_may_hold_the_parent_letters_at_decision_with_a_reason(decide_contact):
    with pytest.raises(ApplicationError) as refused:
        decide_contact("S17", hold=True, reason="")
    assert refused.value.field == "hold_reason"
    assert not Letter.objects.exists()  # nothing written: the decision did not happen
    contact = decide_contact("S17", hold=True, reason="Police visit first.")
    [letter] = _parent_letters(contact)
    assert letter.status == Letter.Status.HELD and letter.hold_reason == "Police visit first."


def test_signposting_that_quotes_the_police_answer_is_refused(decide_contact):
    """CO-5 guard: the worker's free text repeats what the police shared."""
    with pytest.raises(ApplicationError) as refused:
        decide_contact("NFA", signposting=f"The police told us: {POLICE_ANSWER} Ring them.")
    assert "partner agency" in refused.value.message and "CO-5" in refused.value.rule_ids
    assert not Letter.objects.exists()
    assert not Contact.objects.filter(status="DECIDED").exists()  # the decision rolled back


def test_signposting_naming_a_non_disclosable_referrer_is_refused_for_parents(decide_contact):
    with pytest.raises(ApplicationError) as refused:
        decide_contact(
            "NFA", referrer=NEIGHBOUR, signposting="Mrs Harbottle says try the family hub."
        )
    assert "IN-9" in refused.value.message


@pytest.mark.parametrize(
    "typed",
    [
        "Your neighbour rang us; the family hub can help.",  # the relationship, one word
        "Someone at NN1 2BB rang us; the family hub can help.",  # the postcode alone
        "Someone in 3 Larch Lane rang us.",  # an address line
        "Call 01632 960321 if you want to talk.",  # the phone
    ],
)
def test_short_parts_of_a_public_referrer_s_details_in_signposting_are_refused(
    decide_contact, typed
):
    """IN-9: a one-word relationship or a postcode identifies a neighbour as surely as a
    name (the guard reads every line whole, however short)."""
    referrer = NEIGHBOUR | {"referrer_relationship": "Neighbour"}
    with pytest.raises(ApplicationError) as refused:
        decide_contact("NFA", referrer=referrer, signposting=typed)
    assert "IN-9" in refused.value.message


def test_a_referrer_whose_name_is_also_ordinary_words_does_not_stop_the_letters(
    decide_contact,
):
    """The word-level checks read only what a person typed: a neighbour called May Green
    does not block a letter dated in May to a parent in Green Lane."""
    parent = dataclasses.replace(PARENT, address="4 Green Lane\nNorthampton")
    referrer = NEIGHBOUR | {"referrer_name": "May Green"}
    contact = decide_contact("NFA", referrer=referrer, people=[child(), parent])
    letter = contact.letters.get(audience=Letter.Audience.PARENT)
    assert "Green Lane" in text(letter.pdf)
    assert "May Green" not in text(letter.pdf)


def test_no_letter_ever_carries_partner_information(decide_contact):
    contact = decide_contact("S47", signposting="Try the family hub on Mondays.")
    assert contact.letters.count() == 2
    for letter in contact.letters.all():
        for said in (_said(letter), " ".join(letter.text.split()).lower()):
            assert POLICE_ANSWER.lower().rstrip(".") not in said
            assert POLICE_ANALYSIS.lower().rstrip(".") not in said
            assert "private" not in said  # rationale and analysis
            assert "police call-outs" not in said


def test_a_revised_decision_supersedes_the_letters_and_stops_the_unsent(decide_contact, sonia):
    contact = decide_contact("S17")
    before = list(contact.letters.all())
    services.revise_decision(contact, outcome="S47", by=sonia, reason="Dispute resolved.")
    for old in before:
        old.refresh_from_db()
        assert old.status == Letter.Status.SUPERSEDED and old.superseded_by is not None
        assert old.superseded_by.outcome == "S47"
        assert old.text  # what it said is kept
        stopped = Notification.objects.get(letter_id=old.pk)
        assert stopped.status == Notification.Status.CANCELLED and "DM-1" in stopped.last_error
    from mash.notifications.delivery import PermanentFailure
    from mash.notifications.kinds import document_for

    old_post = Notification.objects.get(letter_id__in=[x.pk for x in before], channel="letter")
    with pytest.raises(PermanentFailure):  # never posted, even if sent again
        document_for(old_post)
    new = {x.audience: x for x in contact.letters.current()}
    assert {x.outcome for x in new.values()} == {"S47"} and len(new) == 2
    assert new[Letter.Audience.REFERRER].status == Letter.Status.ISSUED
    # Now a child protection enquiry: the parent's letter waits for a manager (CO-1, OU-4).
    assert new[Letter.Audience.PARENT].status == Letter.Status.HELD
    assert "section 47" in new[Letter.Audience.PARENT].hold_reason


def test_a_letter_to_the_alleged_perpetrator_is_held_whatever_the_outcome(decide_contact):
    """CO-1, OU-4: the product does not guess whether telling them would increase the risk."""
    suspect = dataclasses.replace(OTHER_PARENT, is_alleged_perpetrator=True)
    contact = decide_contact("NFA", people=[child(), PARENT, suspect])
    letters = {x.addressee.family_name: x for x in contact.letters.filter(audience="PARENT")}
    assert letters["Smyth"].status == Letter.Status.ISSUED
    assert letters["Kettering"].status == Letter.Status.HELD
    assert "alleged perpetrator" in letters["Kettering"].hold_reason
    assert not Notification.objects.filter(letter_id=letters["Kettering"].pk).exists()


def test_every_parent_letter_of_a_section_47_enquiry_waits_for_a_manager(decide_contact, meera):
    contact = decide_contact("S47")
    [letter] = contact.letters.filter(audience="PARENT")
    assert letter.status == Letter.Status.HELD
    assert not Notification.objects.filter(letter_id=letter.pk).exists()
    letters.release(letter, by=meera, reason="Strategy discussion agreed the family is told.")
    letter.refresh_from_db()
    assert Notification.objects.filter(letter_id=letter.pk).count() == 1


def test_delivery_marks_the_letter_sent_and_shows_on_the_timeline(decide_contact):
    contact = decide_contact("S17")
    outbox.work_once(None, LogAdapter())
    for letter in contact.letters.all():
        letter.refresh_from_db()
        assert letter.sent_at is not None
        assert Notification.objects.get(letter_id=letter.pk).status == "SENT"
    whats = [e["what"] for e in selectors.contact_activity(contact)]
    assert whats.count("Outcome letter sent") == 2
    from mash.letters.selectors import state_in_words

    assert state_in_words(_parent_letters(contact)[0]).startswith("Sent on ")


def test_the_postal_notification_carries_the_stored_pdf(decide_contact):
    from mash.notifications.kinds import document_for

    contact = decide_contact("S17")
    [letter] = _parent_letters(contact)
    post = Notification.objects.get(letter_id=letter.pk)
    assert document_for(post) == bytes(letter.pdf)
    assert bytes(letter.pdf).startswith(b"%PDF")


def test_a_letter_without_an_address_waits_for_one(decide_contact, carys, aled):
    contact = decide_contact(
        "S17", referrer={**TEACHER, "referrer_email": "", "referrer_address": ""}
    )
    letter = _referrer_letter(contact)
    assert letter.status == Letter.Status.NO_ADDRESS
    assert not Notification.objects.filter(letter_id=letter.pk).exists()
    with pytest.raises(ApplicationError) as refused:
        letters.add_address(letter, by=carys, lines=["Brook Primary School"], postcode="XX1")
    assert refused.value.field == "postcode"
    with pytest.raises(NotPermitted):
        letters.add_address(letter, by=aled, lines=["School"], postcode="NN1 1AA")
    new = letters.add_address(
        letter, by=carys, lines=["Brook Primary School", "Brook Lane"], postcode="nn3 6aa"
    )
    assert new.status == Letter.Status.ISSUED
    assert new.address_lines == ["Ms Teacher", "Brook Primary School", "Brook Lane", "NN3 6AA"]
    assert "brook lane nn3 6aa" in _said(new)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SUPERSEDED and letter.superseded_by == new


def test_send_again_is_a_new_notification_for_the_same_letter(decide_contact, carys):
    contact = decide_contact("S17")
    [letter] = _parent_letters(contact)
    with pytest.raises(ApplicationError, match="already waiting to be sent"):
        letters.send_again(letter, by=carys)  # the first copy has not gone yet
    outbox.work_once(None, LogAdapter())
    letters.send_again(letter, by=carys, reason="Family says it never came.")
    assert Notification.objects.filter(letter_id=letter.pk).count() == 2
    with pytest.raises(ApplicationError, match="already waiting to be sent"):
        letters.send_again(letter, by=carys)  # a double click sends one copy
    assert Notification.objects.filter(letter_id=letter.pk).count() == 2
    whats = [e["what"] for e in selectors.contact_activity(contact)]
    assert "Outcome letter sent again" in whats


def test_no_parent_letter_exists_before_the_decision(carys):
    contact = services.record_contact(by=carys, people=[child(), PARENT], **_professional_details())
    assert not contact.letters.exists()  # letters are written only by decide() (CO-1)


def test_retention_disposal_empties_the_letters(decide_contact):
    """CO-6: a letter is kept as long as the record, and disposed of with it."""
    from mash.dataprotection.services import DISPOSED_TEXT, anonymise_contact

    contact = decide_contact("S17")
    anonymise_contact(contact)
    for letter in contact.letters.all():
        assert letter.text == DISPOSED_TEXT and bytes(letter.pdf) == b""
        assert letter.addressee_name == "" and letter.address_lines == [] and letter.email == ""
    # The outbox's copies go too: the rendered emails, names and addresses (ADR 0018).
    sent = Notification.objects.filter(contact_id=contact.pk)
    assert sent.exists()
    assert set(sent.values_list("recipient", "subject", "body")) == {("", "", "")}


def test_a_partner_answer_that_shares_the_letter_s_own_words_does_not_stop_it(
    carys, sam, priya, meera, polly
):
    """The CO-5 guard looks for quotations, not for the product's standard sentences."""
    from conftest import contact_details, screen_at_threshold
    from mash.sharing import services as sharing

    contact = services.record_contact(
        by=carys, people=[child(), PARENT], **contact_details(**TEACHER)
    )
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    [request] = sharing.request_checks(
        contact,
        by=sam,
        agency_codes=[polly.primary_agency().code],
        concern_summary="c",
        question="q",
        legal_basis="CA1989_S47",
    )
    sharing.record_contribution(
        request,
        by=polly,
        answer=sharing.Answer(
            kind="INFORMATION",
            information="We told the mother a social worker will contact you to talk about it.",
            analysis="Nothing further to add.",
        ),
    )
    sharing.complete_checks(contact, by=sam)
    services.recommend_outcome(contact, by=sam, outcome="S47", rationale="r", analysis="a")
    services.decide(
        contact,
        by=meera,
        agrees=True,
        outcome="S47",
        rationale="r",
        team=services.suggested_team(contact, "S47"),
    )
    assert contact.letters.count() == 2
    with pytest.raises(ApplicationError):  # but quoting the rest of it is refused
        _quote(contact, meera, "We told the mother a social worker")


def _quote(contact: Contact, by, words: str) -> None:
    contact.decision.signposting = f"{words} will call."
    letters.compose(contact, contact.decision, contact.adults().get(), ("A", "B", "NN1 1AA"), by)


def test_the_public_letter_check_refuses_a_child_s_name_or_the_outcome(decide_contact):
    from mash.letters import guard

    contact = decide_contact("S47", referrer=NEIGHBOUR)
    with pytest.raises(ApplicationError, match="child's name"):
        guard.check_public("We looked into Jayden's family.", contact, outcome_words=["x"])
    with pytest.raises(ApplicationError, match="outcome"):
        guard.check_public(
            "It went to a Strategy meeting and child protection enquiry.",
            contact,
            outcome_words=["Strategy meeting and child protection enquiry (section 47)"],
        )
