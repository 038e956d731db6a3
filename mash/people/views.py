"""Finding a child and reading their history (SC-4). Every read is audited."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mash.contacts.views import refuse_unless
from mash.dataprotection import permissions as dp_permissions
from mash.matching.forms import MatchSearchForm
from mash.matching.selectors import match_people, merges_of
from mash.matching.services import can_review_duplicates
from mash.people.selectors import access_person, person_history


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Search before create (SC-4, IN-5): ranked, explained candidates; MASH staff only (CO-4)."""
    refuse_unless(request, request.user.is_mash_staff(), "people search")  # type: ignore[union-attr]
    searched = any(name in request.GET for name in ("given_names", "family_name", "postcode"))
    form = MatchSearchForm(request.GET if searched else None)
    weak = request.GET.get("weak") == "1"
    results = []
    status = 200
    if searched:
        if form.is_valid():
            results = match_people(
                request.user, form.record(), purpose="Find a child", include_weak=weak
            )
        else:
            status = 400
    return render(
        request,
        "people/search.html",
        {"form": form, "results": results, "searched": searched, "weak": weak},
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A person's record: details, involvement (open first) and previous contacts."""
    person = access_person(request.user, pk)
    return render(
        request,
        "people/detail.html",
        {
            "history": person_history(person),
            "merges": merges_of(person),
            "can_undo_merge": can_review_duplicates(request.user),
            "can_subject_access": dp_permissions.can_read_subject_access(request.user),
            "can_read_shares": dp_permissions.can_read_share_register(request.user),
        },
    )
