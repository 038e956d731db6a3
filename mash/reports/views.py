"""The reports hub: where managers find the overview, the report, dip samples and returns."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mash.contacts.views import refuse_unless
from mash.reports.permissions import can_audit_cases, can_read_management_information

# (heading, URL name, what it is for, the rules it serves)
SECTIONS = (
    (
        "Daily overview",
        "reports:overview",
        "Today's workload by stage, team and worker, every open clock with the time left, "
        "breaches and their reasons, partner response times and ageing.",
        "DM-2",
    ),
    (
        "Performance report",
        "reports:performance",
        "Contacts, referrals, conversion, timeliness against each clock, re-referrals and "
        "partner response times for a period (the last fortnight unless you choose), with "
        "charts, CSV and PDF.",
        "DM-2, TS-1 to TS-8",
    ),
    (
        "Dip samples",
        "sampling:list",
        "Draw a random, reproducible sample of closed contacts, audit each against the "
        "checklist and report on the findings.",
        "DM-2",
    ),
    (
        "Children in need census",
        "returns:cin-census",
        "The DfE's annual census as XML, checked against the DfE's validation rules.",
        "Children Act 1989 s83",
    ),
    (
        "Ofsted Annex A",
        "returns:annex_a",
        "The child-level lists Ofsted asks for at the start of an inspection, as a workbook.",
        "ILACS",
    ),
    (
        "Data quality",
        "returns:data_quality",
        "Records that would fail the returns, with what to fix, so they are right all year.",
        "",
    ),
)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The management information and returns a manager or the auditor can open."""
    refuse_unless(request, can_read_management_information(request.user), "reports")
    return render(
        request,
        "reports/index.html",
        {"sections": SECTIONS, "audits_cases": can_audit_cases(request.user)},
    )
