"""The rules catalogue matches RULES.md, and explanations cite the right source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mash.policy import catalogue
from mash.policy.catalogue import CATALOGUE_PATH, Explanation, Quote, explain, sources_of

RULES_MD = Path(__file__).resolve().parents[4] / "shared" / "domain" / "RULES.md"
ROW = re.compile(r"^\|\s*([A-Z]{2}-\d+)\s*\|")


def _rules_md_sources() -> dict[str, str]:
    """Each table row `| ID | ... | source |` of RULES.md: the id and its last cell."""
    found: dict[str, str] = {}
    for line in RULES_MD.read_text(encoding="utf-8").splitlines():
        if ROW.match(line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            assert cells[0] not in found, f"{cells[0]} is listed twice in RULES.md"
            found[cells[0]] = cells[-1]
    return found


def _catalogue_data() -> dict:
    return yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))


needs_rules_md = pytest.mark.skipif(not RULES_MD.exists(), reason=f"{RULES_MD} is not here")


@needs_rules_md
def test_catalogue_has_exactly_the_rule_ids_of_rules_md() -> None:
    rules_md = _rules_md_sources()

    assert len(rules_md) > 50  # the parse found the tables
    assert list(_catalogue_data()["rules"]) == list(rules_md)


@needs_rules_md
def test_catalogue_sources_are_those_of_rules_md() -> None:
    rules_md = _rules_md_sources()
    data = _catalogue_data()["rules"]

    assert {rid: str(spec["source"]) for rid, spec in data.items()} == rules_md


def test_every_rule_has_a_summary_and_a_known_seed() -> None:
    data = _catalogue_data()
    seeds = set(data["seeds"])

    for rule_id, spec in data["rules"].items():
        assert str(spec["summary"]).strip(), rule_id
        codes = {ref.strip().split(" ", 1)[0] for ref in str(spec["source"]).split(",")}
        assert codes <= seeds, rule_id


def test_rule_looks_up_the_catalogue_and_refuses_unknown_ids() -> None:
    found = catalogue.rule("SP-3")

    assert (found.rule_id, found.source) == ("SP-3", "002")
    assert "FGM" in found.summary
    with pytest.raises(KeyError):
        catalogue.rule("XX-1")


def test_explain_uses_the_profile_quote_ref_and_words() -> None:
    """A profile's quote names the seed section it comes from (docs/profiles.md)."""
    quote = Quote(ref="003 §2", text="An additional contact - new information")

    found = explain("IN-6", "It is open.", quote)

    assert found == Explanation("IN-6", "It is open.", "003 §2", quote.text)


def test_explain_without_a_quote_uses_the_catalogue_source() -> None:
    found = explain("SC-4", "Check every child first.")

    assert found == Explanation("SC-4", "Check every child first.", "004 §4, 003 §3", "")


def test_explain_with_a_ref_only_quote_keeps_the_ref() -> None:
    found = explain("TS-10", "Recently closed.", Quote(ref="003 §3"))

    assert (found.source, found.quote) == ("003 §3", "")


def test_explanation_round_trips_through_a_dict() -> None:
    found = explain("SP-3", "FGM.", Quote("002", "this will automatically progress"))

    assert Explanation.from_dict(found.as_dict()) == found
    assert Explanation.from_dict({"rule_id": "IN-6"}) == Explanation("IN-6", "", "", "")


def test_sources_of_ignores_unknown_ids_and_repeats() -> None:
    found = sources_of(["IN-10", "XX-9", "IN-10", "", "SP-3"])

    assert [item["rule_id"] for item in found] == ["IN-10", "SP-3"]
    assert found[0] == {
        "rule_id": "IN-10",
        "summary": catalogue.rule("IN-10").summary,
        "source": "003 §2",
    }
    assert sources_of([]) == []
    assert sources_of(["nonsense"]) == []


def test_cite_names_the_seed_title() -> None:
    assert catalogue.cite("002") == (
        'seed 002 (Rotherham, "Action Following Referral of Safeguarding Children Concerns")'
    )
    assert catalogue.cite("003 §3") == (
        'seed 003 §3 (Calderdale, "Contacts and Referrals for Children in Need")'
    )


def test_cite_lists_every_seed_of_a_shared_source() -> None:
    cited = catalogue.cite("004 §3, 002")

    assert cited.split("; ") == [
        f"seed 004 §3 ({catalogue.seed_title('004')})",
        f"seed 002 ({catalogue.seed_title('002')})",
    ]


def test_cite_keeps_an_unknown_source_as_given() -> None:
    assert catalogue.cite("999 §1") == "999 §1"
    assert catalogue.seed_title("999") == ""


def test_an_explanation_cites_its_source() -> None:
    found = explain("TS-10", "Recently closed.", Quote("003 §3", "within 3 months"))

    assert found.cite() == f"seed 003 §3 ({catalogue.seed_title('003')})"
    assert "Calderdale" in found.cite()
