"""The CIN census pages: choose a year, see what the file holds and what it cannot say, and
download it (issue 8 §4). Managers and the auditor only (DM-2, ADR 0020); audited."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from mash.audit import services as audit
from mash.contacts.models import Contact
from mash.contacts.views import refuse_unless
from mash.core.errors import ApplicationError
from mash.reports.permissions import can_read_management_information
from mash.returns import cin_census


def _years(today: date) -> list[int]:
    """From the first census this service writes to the one in progress, newest first."""
    in_progress = today.year + (today >= date(today.year, 4, 1))
    return list(range(in_progress, cin_census.FIRST_YEAR - 1, -1))


def _label(year: int, today: date) -> str:
    start, end = cin_census.collection_period(year)
    words = f"{year - 1} to {year} ({start:%-d %B %Y} to {end:%-d %B %Y})"
    return words + (", in progress" if end >= today else "")


class YearForm(forms.Form):
    year = forms.TypedChoiceField(
        label="Census year",
        coerce=int,
        error_messages={
            "invalid_choice": "Choose a census year from the list",
            "required": "Choose a census year",
        },
    )

    def __init__(self, *args: object, today: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].choices = [(y, _label(y, today)) for y in _years(today)]  # type: ignore[attr-defined]


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The census for the chosen year (default: the latest complete one) and its problems."""
    refuse_unless(request, can_read_management_information(request.user), "the CIN census")
    today = timezone.localdate()
    default = cin_census.latest_complete_year(today)
    form = YearForm(request.GET if "year" in request.GET else {"year": default}, today=today)
    return _page(request, form, 200 if form.is_valid() else 400)


def _page(request: HttpRequest, form: YearForm, status: int) -> HttpResponse:
    census = None
    if form.is_valid():
        try:
            census = cin_census.build_census(form.cleaned_data["year"], now=timezone.now())
        except ApplicationError as error:
            form.add_error("year", error.message)
            status = 400
    problems = census.problems if census else []
    references = dict(
        Contact.objects.filter(
            reference__in={p.reference for p in problems if p.reference}
        ).values_list("reference", "pk")
    )
    audit.record(
        actor=request.user,
        action="returns.viewed",
        data={
            "return": "cin-census",
            "year": census.year if census else None,
            "problems": len(problems),
            "person_ids": sorted({str(p.person_id) for p in problems if p.person_id}),
            "contacts": sorted(references),
        },
    )
    return render(
        request,
        "returns/cin_census.html",
        {"form": form, "census": census, "problems": problems, "references": references},
        status=status,
    )


@login_required
@require_GET
def download(request: HttpRequest, year: int) -> HttpResponse:
    """The census file for `year`, as the DfE collects it; the export is audited."""
    refuse_unless(request, can_read_management_information(request.user), "the CIN census")
    today = timezone.localdate()
    try:
        census = cin_census.build_census(year, now=timezone.now())
    except ApplicationError as error:
        form = YearForm({"year": cin_census.latest_complete_year(today)}, today=today)
        form.is_valid()
        form.add_error("year", error.message)
        return _page(request, form, 400)
    cin_census.record_export(census, by=request.user, how="download")
    response = HttpResponse(census.xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{census.filename}"'
    return response
