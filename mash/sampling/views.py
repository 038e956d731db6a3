"""Dip sampling pages (DM-2): the samples, drawing one, a sample, an item's audit, the report.

Managers draw samples and record findings (`can_audit_cases`); managers and the auditor read
them (`can_read_management_information`). Every page that names contacts is audited.
"""

from __future__ import annotations

import csv
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mash.audit import services as audit
from mash.contacts.views import apply_error, govuk_pagination, refuse_unless
from mash.core.errors import ApplicationError
from mash.reports.permissions import can_audit_cases, can_read_management_information
from mash.sampling import checklist, services
from mash.sampling.forms import DrawForm, FindingForm, answer_field, note_field
from mash.sampling.models import AuditFinding, DipSample, SampleItem

PAGE_SIZE = 25


def _reader(request: HttpRequest, what: str) -> None:
    refuse_unless(request, can_read_management_information(request.user), what)


def _auditor(request: HttpRequest, what: str) -> None:
    refuse_unless(request, can_audit_cases(request.user), what)


def _viewed(request: HttpRequest, sample: DipSample, page: str, references: list[str]) -> None:
    audit.record(
        actor=request.user,
        action="sampling.viewed",
        subject=sample,
        rule_ids=["DM-2"],
        data={"page": page, "contacts": references},
    )


@login_required
@require_GET
def sample_list(request: HttpRequest) -> HttpResponse:
    """Every dip sample, newest first, with how many of its items are audited."""
    _reader(request, "dip samples")
    samples = DipSample.objects.select_related("drawn_by", "team").order_by("-drawn_at")
    page = Paginator(samples, PAGE_SIZE).get_page(request.GET.get("page"))
    audited = dict(
        AuditFinding.objects.filter(item__sample__in=list(page.object_list))
        .values("item__sample")
        .annotate(n=Count("pk"))
        .values_list("item__sample", "n")
    )
    # The list names the managers who drew each sample: audited like other lists of workers.
    audit.record(
        actor=request.user,
        action="sampling.listed",
        rule_ids=["DM-2"],
        data={"samples": [str(s.pk) for s in page.object_list]},
    )
    return render(
        request,
        "sampling/list.html",
        {
            "page": page,
            "audited": audited,
            "pagination": govuk_pagination(request, page),
            "can_draw": can_audit_cases(request.user),
        },
    )


def _initial_from(request: HttpRequest) -> dict[str, Any]:
    """The draw form filled in from an earlier sample (`?again=<id>`), to draw it again."""
    try:
        again = uuid.UUID(request.GET.get("again", ""))
    except ValueError:
        return {}
    sample = DipSample.objects.filter(pk=again).select_related("team").first()
    if sample is None:
        return {}
    return {
        "title": f"{sample.title} (drawn again)",
        "purpose": sample.purpose,
        "closed_from": sample.closed_from,
        "closed_to": sample.closed_to,
        "team": sample.team.code if sample.team else "",
        "outcome": sample.outcome,
        "size": sample.requested_size,
        "seed": sample.seed,
    }


@login_required
@require_http_methods(["GET", "POST"])
def draw(request: HttpRequest) -> HttpResponse:
    """Draw a sample of closed contacts: the period, the filters, the size, and a seed."""
    _auditor(request, "draw a dip sample")
    form = DrawForm(request.POST or None, initial=_initial_from(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                sample = services.draw_sample(
                    by=request.user,
                    title=data["title"],
                    purpose=data["purpose"],
                    criteria=services.Criteria(
                        closed_from=data["closed_from"],
                        closed_to=data["closed_to"],
                        team=form.chosen_team(),
                        outcome=data["outcome"],
                    ),
                    size=data["size"],
                    seed=data["seed"],
                )
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, f"{sample.requested_size} contacts drawn.")
                return redirect("sampling:detail", sample.pk)
    return render(request, "sampling/draw.html", {"form": form}, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A sample: how it was drawn (with the seed), and each contact drawn with its progress."""
    _reader(request, "dip sample")
    sample = get_object_or_404(DipSample.objects.select_related("drawn_by", "team"), pk=pk)
    items = list(sample.items.select_related("contact", "finding__auditor").order_by("position"))
    rows = [(i, _finding(i)) for i in items]
    references = list(services.population(_criteria(sample)).values_list("reference", flat=True))
    changed = services.digest(references) != sample.population_digest
    _viewed(request, sample, "sample", [i.contact.reference for i in items])
    return render(
        request,
        "sampling/detail.html",
        {
            "sample": sample,
            "rows": rows,
            "audited": sum(1 for _, finding in rows if finding is not None),
            "population_now": len(references),
            "population_changed": changed,
            "can_audit": can_audit_cases(request.user),
        },
    )


def _criteria(sample: DipSample) -> services.Criteria:
    return services.Criteria(sample.closed_from, sample.closed_to, sample.team, sample.outcome)


def _finding(item: SampleItem) -> AuditFinding | None:
    try:
        return item.finding
    except AuditFinding.DoesNotExist:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, pk: uuid.UUID, position: int) -> HttpResponse:
    """One sampled contact: the checklist with what the record shows, and the findings form
    (managers) or the findings recorded."""
    _reader(request, "dip sample item")
    if request.method == "POST":
        _auditor(request, "record audit findings")
    sample = get_object_or_404(DipSample, pk=pk)
    sample_item = get_object_or_404(
        SampleItem.objects.select_related("contact"), sample=sample, position=position
    )
    contact = sample_item.contact
    evidence = checklist.evidence_for(contact)
    form = FindingForm(request.POST or None, evidence=evidence)
    status = 200
    if request.method == "POST" and _finding(sample_item) is None:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_finding(
                    sample_item,
                    by=request.user,
                    finding=services.FindingInput(
                        answers={q.id: data[answer_field(q.id)] for q in checklist.QUESTIONS},
                        notes={q.id: data[note_field(q.id)] for q in checklist.QUESTIONS},
                        grade=data["grade"],
                        summary=data["summary"],
                        learning_points=data["learning_points"],
                    ),
                )
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, f"Findings recorded for {contact.reference}.")
                return redirect("sampling:detail", sample.pk)
    elif request.method == "POST":
        status = 409
        messages.error(request, f"{contact.reference} has already been audited in this sample.")
    finding = _finding(sample_item)
    audit.record(
        actor=request.user,
        action="sampling.viewed",
        contact_id=contact.pk,
        subject=sample,
        rule_ids=["DM-2"],
        data={"page": "item", "position": position, "contacts": [contact.reference]},
    )
    return render(
        request,
        "sampling/item.html",
        {
            "sample": sample,
            "item": sample_item,
            "contact": contact,
            "form": form,
            "finding": finding,
            "answers": list(finding.answers.order_by("question_id")) if finding else [],
            "evidence": evidence,
            "questions": checklist.QUESTIONS,
            "can_audit": can_audit_cases(request.user),
            "total": sample.items.count(),
        },
        status=status,
    )


@login_required
@require_GET
def report(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The sample's report: per question, the grades, the learning points."""
    _reader(request, "dip sample report")
    sample = get_object_or_404(DipSample.objects.select_related("drawn_by", "team"), pk=pk)
    figures = services.report(sample)
    _viewed(request, sample, "report", [p.reference for p in figures.learning_points])
    return render(request, "sampling/report.html", {"sample": sample, "report": figures})


CSV_COLUMNS = ["Position", "Contact reference", "Audited", "Auditor", "Recorded at", "Grade"]


@login_required
@require_GET
def report_csv(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The findings, one row per item drawn, as CSV (audited as `sampling.exported`)."""
    from mash.sharing.exports import safe_cell

    _reader(request, "dip sample export")
    sample = get_object_or_404(DipSample, pk=pk)
    items = list(
        sample.items.select_related("contact", "finding__auditor")
        .prefetch_related("finding__answers")
        .order_by("position")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"dip-sample-{sample.drawn_at:%Y-%m-%d}-{str(sample.pk)[:8]}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    header = list(CSV_COLUMNS)
    for question in checklist.QUESTIONS:
        header += [f"{question.text} ({question.rules})", f"Note: {question.id}"]
    writer.writerow([*header, "Summary", "Learning points"])
    for sample_item in items:
        finding = _finding(sample_item)
        row = [str(sample_item.position), sample_item.contact.reference]
        if finding is None:
            writer.writerow([*row, "No"])
            continue
        answers = {a.question_id: a for a in finding.answers.all()}
        row += [
            "Yes",
            finding.auditor.display_name(),
            finding.recorded_at.isoformat(),
            finding.get_grade_display(),
        ]
        for question in checklist.QUESTIONS:
            answer = answers.get(question.id)
            row += [answer.get_answer_display(), answer.note] if answer else ["", ""]
        row += [finding.summary, finding.learning_points]
        writer.writerow([safe_cell(str(cell)) for cell in row])
    audit.record(
        actor=request.user,
        action="sampling.exported",
        subject=sample,
        rule_ids=["DM-2"],
        data={"contacts": [i.contact.reference for i in items]},
    )
    return response
