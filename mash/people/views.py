"""Finding a child and reading their history (SC-4). Every read is audited."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mash.contacts.views import apply_error, refuse_unless
from mash.core.errors import ApplicationError
from mash.core.form_rendering import checkboxes_params
from mash.dataprotection import permissions as dp_permissions
from mash.matching.forms import MatchSearchForm
from mash.matching.selectors import match_people, merges_of
from mash.matching.services import can_review_duplicates
from mash.people import services
from mash.people.census import disability_labels
from mash.people.forms import CensusDetailsForm, disability_checkboxes
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
            "can_change_census": services.can_change_census_details(request.user),
            "disabilities": disability_labels(person.disabilities or []),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def census(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Change the child's census details, as the data quality page asks (issue 8 §6)."""
    person = access_person(request.user, pk)
    refuse_unless(request, services.can_change_census_details(request.user), "census details")
    if request.method == "GET":
        form = CensusDetailsForm(
            initial={
                "ethnicity_code": person.ethnicity_code,
                "disabilities": person.disabilities or [],
                "upn": person.upn,
                "upn_unknown": person.upn_unknown,
                "expected_date_of_birth": person.expected_date_of_birth,
            }
        )
        return _census_page(request, person, form)
    form = CensusDetailsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.change_census_details(
                person,
                by=request.user,
                details=services.CensusDetails(
                    ethnicity_code=data["ethnicity_code"],
                    disabilities=tuple(data["disabilities"]),
                    upn=data["upn"],
                    upn_unknown=data["upn_unknown"],
                    expected_date_of_birth=data["expected_date_of_birth"],
                ),
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, f"{person.full_name}'s census details saved.")
            return redirect("people:detail", pk=person.pk)
    return _census_page(request, person, form, status=400)


def _census_page(
    request: HttpRequest, person: object, form: CensusDetailsForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "people/census.html",
        {
            "person": person,
            "form": form,
            "disability_params": disability_checkboxes(
                checkboxes_params(
                    form["disabilities"],
                    {"fieldset": {"legend": {"classes": "govuk-fieldset__legend--m"}}},
                )
            ),
        },
        status=status,
    )
