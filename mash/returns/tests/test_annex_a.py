"""Ofsted's Annex A workbook (issue 8 §5): sheets, headers, rows and value formats.

The fixture, built through the front door's services, for the period 1 June – 30 November 2026:

- Ada (girl, born 1 June 2015, White British, no disability): an s47 referral on 10 September
  2025 (strategy discussion that day; assessment to 29 September, a child protection plan
  30 September – 1 December 2025);
  an s47 referral on 6 July 2026 (strategy discussion that day, assessment 6 July – 14 August,
  child protection plan from 27 July, physical abuse); early help January–March 2026.
- Ben (unborn, due 15 January 2027): a referral on 1 September 2026, no further action; early
  help with the family since 1 May 2026, still open.
- Cai (boy) and Eve (girl), one contact on 5 October 2026 decided early help; Cai's early help
  involvement started 12 October (the same work), Eve has none.
- Dee (girl, "White British" as typed), on a contact of 2 November 2026 not yet checked.
- A contact on 1 December 2026, after the period.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mash.audit.models import AuditEvent
from mash.contacts import services
from mash.contacts.models import Contact
from mash.people.models import Involvement, Person
from mash.policy.profiles import active_profile
from mash.returns.annex_a import build_annex_a, escape
from mash.returns.annex_a_views import six_months_before
from mash.returns.tests.front_door import involvement, person_of

pytestmark = pytest.mark.django_db

START, END = date(2026, 6, 1), date(2026, 11, 30)
EVIL = '=HYPERLINK("http://example.com/x","Click")'


def _details(given: str, **extra) -> services.PersonDetails:
    return services.PersonDetails(given_names=given, family_name="Smyth", **extra)


@pytest.fixture
def world(door):
    ada_details = _details("Ada", date_of_birth=date(2015, 6, 1), gender="F")
    first = door.contact(date(2025, 9, 10), child=ada_details, outcome="S47", strategy=True)
    ada = person_of(first)
    Person.objects.filter(pk=ada.pk).update(ethnicity_code="WBRI", disabilities=["NONE"])
    involvement(ada, Involvement.Service.ASSESSMENT, date(2025, 9, 10), date(2025, 9, 29))
    involvement(ada, Involvement.Service.CHILD_PROTECTION, date(2025, 9, 30), date(2025, 12, 1))
    involvement(ada, Involvement.Service.EARLY_HELP, date(2026, 1, 5), date(2026, 3, 1))
    second = door.contact(
        date(2026, 7, 6),
        person=ada,
        child=ada_details,
        outcome="S47",
        strategy=True,
        concerns=["physical_abuse"],
    )
    involvement(
        ada,
        Involvement.Service.ASSESSMENT,
        date(2026, 7, 6),
        date(2026, 8, 14),
        worker="Sam Worker",
    )
    involvement(ada, Involvement.Service.CHILD_PROTECTION, date(2026, 7, 27), worker=EVIL)
    ben_contact = door.contact(date(2026, 9, 1), child=_details("Ben"), outcome="NFA", source="3B")
    ben = person_of(ben_contact)
    Person.objects.filter(pk=ben.pk).update(expected_date_of_birth=date(2027, 1, 15))
    involvement(ben, Involvement.Service.EARLY_HELP, date(2026, 5, 1))  # for the family, still open
    eh = door.contact(
        date(2026, 10, 5),
        child=_details("Cai", date_of_birth=date(2019, 2, 28), gender="M"),
        more_children=[_details("Eve", date_of_birth=date(2020, 3, 1), gender="F")],
        outcome="EARLY_HELP",
        referral=False,
        source="6",
    )
    cai, eve = (cp.person for cp in eh.children().order_by("position"))
    involvement(cai, Involvement.Service.EARLY_HELP, date(2026, 10, 12))
    door.contact(
        date(2026, 11, 2),
        child=_details(
            "Dee", date_of_birth=date(2012, 12, 1), gender="F", ethnicity="White British"
        ),
        source="1A",
    )
    door.contact(date(2026, 12, 1), child=_details("Late"))
    for p in (ada, ben, cai, eve):
        p.refresh_from_db()
    return {"ada": ada, "ben": ben, "cai": cai, "eve": eve, "second": second, "eh": eh}


def _read(data: bytes):
    return load_workbook(io.BytesIO(data))


def _rows(sheet) -> list[list]:
    out = []
    for row in sheet.iter_rows(min_row=2, values_only=True):
        out.append([v.date() if isinstance(v, datetime) else v for v in row])
    return out


def test_the_sheets_and_their_headers(world):
    book = _read(build_annex_a(start=START, end=END))
    assert book.sheetnames == [
        "Cover",
        "List 1 Contacts",
        "List 2 Early help",
        "List 3 Referrals",
        "List 4 Assessments",
        "List 5 S47 enquiries & ICPCs",
        "List 6 Children in need",
        "List 7 Child protection",
    ]
    headers = [c.value for c in book["List 1 Contacts"][1]]
    assert headers == [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of Contact",
        "Contact Source",
    ]
    assert [c.value for c in book["List 3 Referrals"][1]][5:] == [
        "Date of Referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ]
    assert [c.value for c in book["List 5 S47 enquiries & ICPCs"][1]][5:12] == [
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
    ]
    for name in book.sheetnames[1:]:
        assert book[name].freeze_panes == "A2"
        assert book[name].column_dimensions["A"].width >= 12


def test_the_cover_sheet(world):
    cover = _read(build_annex_a(start=START, end=END))["Cover"]
    values = {row[0]: row[1] for row in cover.iter_rows(values_only=True) if row and row[0]}
    assert values["Local authority"] == active_profile().authority
    assert values["Period from"] == datetime(2026, 6, 1)
    assert values["Period to"] == datetime(2026, 11, 30)
    assert isinstance(values["Generated"], datetime)
    assert values["List 1 Contacts"] == 5
    assert values["List 3 Referrals"] == 2


def test_list_1_contacts_one_row_per_child(world):
    ada, ben, cai, eve = (world[k] for k in ("ada", "ben", "cai", "eve"))
    sheet = _read(build_annex_a(start=START, end=END))["List 1 Contacts"]
    assert _rows(sheet) == [
        [ada.child_id, "b) Female", "a) WBRI", date(2015, 6, 1), 11, date(2026, 7, 6),
         "e) 2A: Schools"],
        [ben.child_id, "c) Not stated/recorded", "t) NOBT", date(2027, 1, 15), -1,
         date(2026, 9, 1), "h) 3B: Health services"],
        [cai.child_id, "a) Male", "t) NOBT", date(2019, 2, 28), 7, date(2026, 10, 5),
         "q) 6: Police"],
        [eve.child_id, "b) Female", "t) NOBT", date(2020, 3, 1), 6, date(2026, 10, 5),
         "q) 6: Police"],
        # Not yet matched to a record: as the referrer described her, no identifier yet.
        [None, "b) Female", "a) WBRI", date(2012, 12, 1), 13, date(2026, 11, 2),
         "a) 1A: Individual"],
    ]  # fmt: skip
    assert sheet["D2"].number_format == "dd/mm/yyyy"
    assert sheet["F2"].number_format == "dd/mm/yyyy"


def test_list_2_early_help(world):
    cai, eve = world["cai"], world["eve"]
    passed_to = world["eh"].decision.passed_to
    sheet = _read(build_annex_a(start=START, end=END))["List 2 Early help"]
    # Ada's early help ended before the period; Cai's decision is his involvement's work.
    ben = world["ben"]
    assert _rows(sheet) == [
        # Started before the period and still open at its end.
        [ben.child_id, "c) Not stated/recorded", "t) NOBT", date(2027, 1, 15), -1,
         date(2026, 5, 1), None, None],
        [eve.child_id, "b) Female", "t) NOBT", date(2020, 3, 1), 6, date(2026, 10, 5), None,
         passed_to.name if passed_to else None],
        [cai.child_id, "a) Male", "t) NOBT", date(2019, 2, 28), 7, date(2026, 10, 12), None,
         None],
    ]  # fmt: skip


def test_list_3_referrals_with_the_last_12_months(world):
    ada, ben = world["ada"], world["ben"]
    team = world["second"].decision.passed_to.name
    rows = sorted(_rows(_read(build_annex_a(start=START, end=END))["List 3 Referrals"]),
                  key=lambda r: r[5])  # fmt: skip
    assert rows == [
        # The referral of 10 September 2025 is within the 12 months before 6 July 2026.
        [ada.child_id, "b) Female", "a) WBRI", date(2015, 6, 1), 11, date(2026, 7, 6),
         "e) 2A: Schools", "b) No", 1, team, "'" + EVIL],
        [ben.child_id, "c) Not stated/recorded", "t) NOBT", date(2027, 1, 15), -1,
         date(2026, 9, 1), "h) 3B: Health services", "a) Yes", 0, None, None],
    ]  # fmt: skip


def test_lists_4_to_7_for_the_child_protection_route(world):
    ada = world["ada"]
    team = world["second"].decision.passed_to.name
    book = _read(build_annex_a(start=START, end=END))
    child = [ada.child_id, "b) Female", "a) WBRI", date(2015, 6, 1), 11]
    worker = "'" + EVIL
    assert _rows(book["List 4 Assessments"]) == [
        [*child, "b) No", date(2026, 7, 6), None, date(2026, 8, 14), "a) Yes", team, worker]
    ]
    # One enquiry (10 September 2025) and one conference (30 September 2025) in the 12 months
    # before; the conference of 27 July 2026 started a plan.
    assert _rows(book["List 5 S47 enquiries & ICPCs"]) == [
        [*child, "b) No", date(2026, 7, 6), "b) No", date(2026, 7, 27), "a) Yes", 1, 1, team,
         worker]
    ]  # fmt: skip
    assert _rows(book["List 6 Children in need"]) == [
        [*child, "b) No", date(2026, 7, 6), "N1", None, None, None, "Child protection plan",
         team, worker]
    ]  # fmt: skip
    assert _rows(book["List 7 Child protection"]) == [
        [*child, date(2026, 7, 27), "PHY", "PHY", None, None, None, None, None, 1, team, worker]
    ]


def test_list_5_holds_every_enquiry_open_in_the_period(door):
    # Fin: an enquiry from 20 May 2026, before the period; no conference was needed, known
    # when his child in need plan started on 10 June, inside it. Gus: an enquiry from
    # 2 November 2026 still open at the end (no conference, no plan): the "deemed
    # unnecessary?" cell is blank, not "No". Hal: an enquiry from 4 May 2026 concluded
    # (a plan, no conference) on 25 May, before the period: not listed.
    fin = door.contact(
        date(2026, 5, 20), child=_details("Fin", date_of_birth=date(2016, 1, 1)),
        outcome="S47", strategy=True,
    )  # fmt: skip
    involvement(person_of(fin), Involvement.Service.CHILD_IN_NEED, date(2026, 6, 10))
    gus = door.contact(
        date(2026, 11, 2), child=_details("Gus", date_of_birth=date(2017, 1, 1)),
        outcome="S47", strategy=True,
    )  # fmt: skip
    hal = door.contact(
        date(2026, 5, 4), child=_details("Hal", date_of_birth=date(2018, 1, 1)),
        outcome="S47", strategy=True,
    )  # fmt: skip
    involvement(person_of(hal), Involvement.Service.CHILD_IN_NEED, date(2026, 5, 25))
    sheet = _read(build_annex_a(start=START, end=END))["List 5 S47 enquiries & ICPCs"]
    by_child = {row[0]: row[6:9] for row in _rows(sheet)}
    assert by_child == {
        person_of(fin).child_id: [date(2026, 5, 20), "a) Yes", None],
        person_of(gus).child_id: [date(2026, 11, 2), None, None],
    }


def test_other_or_not_stated_is_not_stated_never_neither(door):
    # Person.Gender O is "Other or not stated" in the product: Ofsted's "d) Neither" would
    # claim more than the record says.
    contact = door.contact(
        date(2026, 7, 1), child=_details("Ola", date_of_birth=date(2016, 1, 1)), outcome="NFA"
    )
    Person.objects.filter(pk=person_of(contact).pk).update(gender=Person.Gender.OTHER)
    book = _read(build_annex_a(start=START, end=END))
    assert [row[1] for row in _rows(book["List 1 Contacts"])] == ["c) Not stated/recorded"]
    assert [row[1] for row in _rows(book["List 3 Referrals"])] == ["c) Not stated/recorded"]


def test_nothing_typed_becomes_a_formula(world):
    book = _read(build_annex_a(start=START, end=END))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert escape("=1+1") == "'=1+1"
    assert escape("+44 1632") == "'+44 1632"
    assert escape("-2") == "'-2"
    assert escape("@SUM(A1)") == "'@SUM(A1)"
    assert escape("\tx") == "'\tx"
    assert escape("Jo Bloggs") == "Jo Bloggs"
    assert escape(-1) == -1


def test_an_empty_period_has_headers_only(db, profile):
    book = _read(build_annex_a(start=START, end=END))
    for name in book.sheetnames[1:]:
        assert book[name].max_row == 1


# ------------------------------------------------------------------------------- the page


def test_the_page_offers_the_last_six_months(client, priya):
    client.force_login(priya)
    response = client.get(reverse("returns:annex_a"))
    assert response.status_code == 200
    html = response.content.decode()
    start, end = six_months_before(timezone.localdate()), timezone.localdate()
    assert f'id="id_start_day" name="start_day" type="text" value="{start.day}"' in html
    assert f'id="id_end_day" name="end_day" type="text" value="{end.day}"' in html
    assert "Download Annex A" in html


def test_six_months_before():
    assert six_months_before(date(2026, 12, 4)) == date(2026, 6, 4)
    assert six_months_before(date(2026, 3, 15)) == date(2025, 9, 15)
    assert six_months_before(date(2026, 8, 31)) == date(2026, 2, 28)
    assert six_months_before(date(2028, 8, 31)) == date(2028, 2, 29)
    assert six_months_before(date(2026, 12, 31)) == date(2026, 6, 30)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start_day": "31", "start_month": "2", "start_year": "2026"},
         "Start date must be a real date"),
        ({"start_day": "1", "start_month": "7", "start_year": "2026",
          "end_day": "1", "end_month": "6", "end_year": "2026"},
         "The start date must be on or before the end date"),
        ({"start_day": "1", "start_month": "1", "start_year": "2023",
          "end_day": "1", "end_month": "6", "end_year": "2026"},
         "no more than 2 years"),
        ({"start_day": "1", "start_month": "1", "start_year": "2026",
          "end_day": "1", "end_month": "1", "end_year": "2099"},
         "End date must be today or in the past"),
    ],
)  # fmt: skip
def test_bad_dates_are_explained(client, priya, data, message):
    client.force_login(priya)
    full = {
        "start_day": "1",
        "start_month": "6",
        "start_year": "2026",
        "end_day": "30",
        "end_month": "11",
        "end_year": "2026",
    } | data
    response = client.post(reverse("returns:annex_a"), full)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'value="' + full["start_day"] + '"' in response.content.decode()
    assert not AuditEvent.objects.filter(action="returns.annex_a_exported").exists()


def test_the_download_is_audited(client, priya, world):
    client.force_login(priya)
    response = client.post(
        reverse("returns:annex_a"),
        {
            "start_day": "1",
            "start_month": "6",
            "start_year": "2026",
            "end_day": "30",
            "end_month": "11",
            "end_year": "2026",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "annex-a-2026-06-01-to-2026-11-30.xlsx" in response["Content-Disposition"]
    book = _read(response.content)
    assert len(_rows(book["List 1 Contacts"])) == 5
    event = AuditEvent.objects.get(action="returns.annex_a_exported")
    assert event.data["start"] == "2026-06-01" and event.data["end"] == "2026-11-30"
    assert event.data["rows"]["List 1 Contacts"] == 5
    # Whose records left (ADR 0010), as the census audit says: every child on a list, and
    # every contact a row comes from. Dee's contact is not yet matched to a record.
    people = {world[name].pk for name in ("ada", "ben", "cai", "eve")}
    assert event.data["person_ids"] == sorted(str(pk) for pk in people)
    contacts = Contact.objects.filter(received_at__date__range=(START, END))
    assert event.data["contacts"] == sorted(contacts.values_list("reference", flat=True))
    assert len(event.data["contacts"]) == 4  # Ada (6 July), Ben, Cai and Eve, Dee


def test_a_social_worker_is_refused_and_the_refusal_audited(client, sam):
    client.force_login(sam)
    assert client.get(reverse("returns:annex_a")).status_code == 403
    assert AuditEvent.objects.filter(action="access.refused").exists()


def test_the_workbook_s_queries_do_not_grow_with_the_children(
    world, door, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        build_annex_a(start=START, end=END)
    for number in range(3):
        door.contact(date(2026, 8, 3 + number), child=_details(f"Kid{number}"), outcome="S17")
    with django_assert_max_num_queries(12):
        data = build_annex_a(start=START, end=END)
    assert len(_rows(_read(data)["List 3 Referrals"])) == 5
