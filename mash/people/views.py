"""Finding a child and reading their history (SC-4). Every read is audited."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mash.core.forms import GovukDateField, GovukFormMixin
from mash.people.selectors import access_person, person_history, search_people


class PersonSearchForm(GovukFormMixin, forms.Form):
    given_names = forms.CharField(label="First name", required=False, max_length=200)
    family_name = forms.CharField(label="Last name", required=False, max_length=200)
    date_of_birth = GovukDateField(label="Date of birth", required=False, past=True)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(k) for k in ("given_names", "family_name", "date_of_birth")):
            self.add_error("family_name", "Enter a name or a date of birth to search")
        return cleaned


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Exact or normalised name, either order, aliases included; narrowed by date of birth."""
    if not request.user.is_mash_staff():  # type: ignore[union-attr]
        raise PermissionDenied
    searched = bool(request.GET)
    form = PersonSearchForm(request.GET if searched else None)
    results = []
    status = 200
    if searched:
        if form.is_valid():
            results = [person_history(p) for p in search_people(request.user, **form.cleaned_data)]
        else:
            status = 400
    return render(
        request,
        "people/search.html",
        {"form": form, "results": results, "searched": searched},
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A person's record: details, involvement (open first) and previous contacts."""
    person = access_person(request.user, pk)
    return render(request, "people/detail.html", {"history": person_history(person)})
