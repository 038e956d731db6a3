"""`mash bench search` on a small population: the same code path as the million-person run."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from mash.matching.models import MatchKey
from mash.people.models import Person

pytestmark = pytest.mark.django_db


def test_bench_search_loads_a_population_and_finds_perturbed_people():
    out = io.StringIO()
    call_command(
        "bench", "search", "--people", "400", "--queries", "40", stdout=out, stderr=io.StringIO()
    )
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["people"] == Person.objects.count() == 400
    assert figures["keys_loaded"] == MatchKey.objects.count() > 400 * 10
    assert figures["queries"] == 40
    assert figures["recall_at_10"] >= 0.9
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    again = io.StringIO()
    call_command(
        "bench", "search", "--people", "400", "--queries", "5", stdout=again, stderr=io.StringIO()
    )
    assert json.loads(again.getvalue().strip().splitlines()[-1])["keys_loaded"] == 0  # kept
