"""The managers' daily overview (issue 8 §1, DM-2): workload, clocks, breaches, partners, age.

Managers and the auditor only (`can_read_management_information`); the page lists contacts
by reference and names workers, so every view is audited with the references it listed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from mash.audit import services as audit
from mash.contacts.models import Screening
from mash.contacts.views import govuk_pagination, refuse_unless
from mash.core.forms import GovukFormMixin
from mash.reports.overview.selectors import build_overview, team_choices
from mash.reports.permissions import can_read_management_information


class OverviewFilterForm(GovukFormMixin, forms.Form):
    """Which team and which RAG rating to show; empty means all."""

    team = forms.ChoiceField(
        label="Team",
        required=False,
        error_messages={
            "invalid_choice": "Select a team from the list: that team is not one of this "
            "authority's teams"
        },
    )
    rag = forms.ChoiceField(
        label="RAG rating",
        required=False,
        choices=[("", "Any rating"), *((v, v.title()) for v in Screening.Rag.values)],
        error_messages={"invalid_choice": "Select a RAG rating from the list: Red, Amber or Green"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team: Any = self.fields["team"]
        team.choices = [("", "All teams"), *team_choices()]

    def kept(self) -> dict[str, str]:
        """The choices that are valid, whatever else was wrong: a bad team keeps the RAG."""
        if self.is_bound:
            self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name, "") for name in ("team", "rag")}


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Today's workload, the open clocks soonest first, the last week's breaches and their
    reasons, the partner agencies' response times and the age of open contacts (DM-2)."""
    refuse_unless(
        request, can_read_management_information(request.user), "managers' daily overview"
    )
    form = OverviewFilterForm(
        request.GET if ("team" in request.GET or "rag" in request.GET) else None
    )
    chosen = form.kept()
    found = build_overview(now=timezone.now(), clocks_page=request.GET.get("page"), **chosen)
    audit.record(
        actor=request.user,
        action="reports.overview_viewed",
        rule_ids=["DM-2"],
        data={**chosen, "page": found.clocks.number, "contacts": found.listed_references},
    )
    return render(
        request,
        "reports/overview.html",
        {
            "form": form,
            "overview": found,
            "pagination": govuk_pagination(request, found.clocks),
            "team_names": dict(team_choices()),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
