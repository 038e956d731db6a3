"""The data quality page: records that would fail the returns, by check (issue 8 §6).

MASH staff see it (they fix the records; the auditor, who is MASH staff, reads it too). It
names children, so every view is audited with the records it listed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from mash.audit import services as audit
from mash.contacts.views import govuk_pagination, refuse_unless
from mash.core.forms import GovukFormMixin
from mash.returns.quality import CHECKS, Check, Finding, census_year_start, findings

PAGE_SIZE = 50


class CheckFilterForm(GovukFormMixin, forms.Form):
    check = forms.ChoiceField(
        label="Show the records of",
        required=False,
        choices=[("", "Every check"), *((c.id, f"{c.rule}: {c.title}") for c in CHECKS)],
        error_messages={"invalid_choice": "Choose a check from the list"},
    )


def can_see_data_quality(user: Any) -> bool:
    """MASH staff, managers and the auditor: those who fix the records, and who audit them."""
    return bool(getattr(user, "is_authenticated", False)) and user.is_mash_staff()


@login_required
@require_GET
def data_quality(request: HttpRequest) -> HttpResponse:
    """Every check with its count; the records of one check or all, 50 a page."""
    refuse_unless(request, can_see_data_quality(request.user), "data quality")
    form = CheckFilterForm(request.GET or None)
    status = 200
    chosen = ""
    if form.is_bound:
        if form.is_valid():
            chosen = form.cleaned_data["check"]
        else:
            status = 400
    found = findings()
    counts = Counter(f.check for f in found)
    listed = [f for f in found if f.check == chosen] if chosen else found
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    audit.record(
        actor=request.user,
        action="returns.data_quality_viewed",
        rule_ids=["DM-2"],
        purpose="Fixing records before the statutory returns",
        data={
            "check": chosen or "all",
            "page": page.number,
            "person_ids": sorted({str(f.person_id) for f in rows if f.person_id}),
            "contacts": sorted({f.reference for f in rows if f.reference}),
        },
    )
    checks = {check.id: check for check in CHECKS}
    return render(
        request,
        "returns/data_quality.html",
        {
            "form": form,
            "checks": CHECKS,
            "by_id": checks,
            "counts": counts,
            "total": len(found),
            "chosen": checks.get(chosen),
            "page": page,
            "rows": rows,
            "pagination": govuk_pagination(request, page),
            "groups": _groups(rows, checks),
            "since": census_year_start(timezone.localdate()),
        },
        status=status,
    )


def _groups(rows: list[Finding], checks: dict[str, Check]) -> list[tuple[Check, list[Finding]]]:
    """The page's records under their check, in the order of the checks."""
    groups: list[tuple[Check, list[Finding]]] = []
    for row in rows:
        if not groups or groups[-1][0].id != row.check:
            groups.append((checks[row.check], []))
        groups[-1][1].append(row)
    return groups
