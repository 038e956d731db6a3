"""Reviewing possible duplicate records: merge, mark as different people, and undo a merge."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mash.audit import services as audit
from mash.contacts.views import apply_error, govuk_pagination
from mash.core.errors import ApplicationError, NotPermitted
from mash.core.forms import GovukFormMixin
from mash.matching import services
from mash.matching.models import DuplicateSearch, PersonMerge, PossibleDuplicate
from mash.people.selectors import access_person, person_history

PAGE_SIZE = 50


class ReviewForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Are these the same person?",
        widget=forms.RadioSelect,
        choices=[
            ("keep_first", "Yes: merge them, keeping the first record"),
            ("keep_second", "Yes: merge them, keeping the second record"),
            ("different", "No: they are different people"),
        ],
        error_messages={"required": "Select whether these are the same person"},
    )
    reason = forms.CharField(
        label="Why",
        help_text="Say what you checked, for example the NHS number with the GP or the school.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason, so the decision can be understood later"},
    )


class UndoForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is this merge being undone?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason, so the decision can be understood later"},
    )


def _require_mash_staff(request: HttpRequest) -> None:
    if not request.user.is_mash_staff():  # type: ignore[union-attr]
        audit.record_refusal(actor=request.user, what="possible duplicate records")
        raise PermissionDenied


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Pairs the duplicate search found, strongest first (SC-4)."""
    _require_mash_staff(request)
    # A pair whose record has since been merged through another pair is moot.
    waiting = PossibleDuplicate.objects.filter(
        status=PossibleDuplicate.Status.WAITING,
        first__merged_into__isnull=True,
        second__merged_into__isnull=True,
    )
    page = Paginator(waiting.select_related("first", "second"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit.record(
        actor=request.user,
        action="person.duplicates_listed",
        rule_ids=["SC-4", "CO-4"],
        # Names and dates of birth are shown: the trail says whose (CO-6).
        data={"person_ids": [str(pid) for pair in page for pid in (pair.first_id, pair.second_id)]},
    )
    return render(
        request,
        "matching/queue.html",
        {
            "page": page,
            "pagination": govuk_pagination(request, page),
            "can_review": services.can_review_duplicates(request.user),
            "last_search": DuplicateSearch.objects.first(),
            "reviewed": PossibleDuplicate.objects.exclude(status=PossibleDuplicate.Status.WAITING)
            .select_related("first", "second", "reviewed_by")
            .order_by("-reviewed_at")[:20],
        },
    )


@login_required
def review(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Both records side by side with the matcher's reasons; the reviewer decides."""
    _require_mash_staff(request)
    pair = get_object_or_404(PossibleDuplicate, pk=pk)
    first = access_person(request.user, pair.first_id)
    second = access_person(request.user, pair.second_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not services.can_review_duplicates(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                return _decide(request, pair, form.cleaned_data)
            except NotPermitted as error:
                raise PermissionDenied(error.message) from error
            except ApplicationError as error:
                apply_error(form, error)
    return render(
        request,
        "matching/review.html",
        {
            "pair": pair,
            "first": person_history(first),
            "second": person_history(second),
            "match": services.compare(first, second),
            "form": form,
            "can_review": services.can_review_duplicates(request.user)
            and pair.status == PossibleDuplicate.Status.WAITING,
        },
        status=400 if form.errors else 200,
    )


def _decide(request: HttpRequest, pair: PossibleDuplicate, data: dict[str, Any]) -> HttpResponse:
    if data["decision"] == "different":
        services.mark_not_duplicate(pair, by=request.user, reason=data["reason"])
        messages.success(
            request, "Recorded as different people. This pair will not be offered again."
        )
        return redirect("matching:queue")
    kept, merged = (pair.first, pair.second)
    if data["decision"] == "keep_second":
        kept, merged = merged, kept
    services.merge_people(
        kept=kept, merged=merged, by=request.user, reason=data["reason"], duplicate=pair
    )
    messages.success(
        request,
        f"Merged. Every contact and involvement of the second record is now on {kept.full_name}'s. "
        "You can undo this from the record.",
    )
    return redirect("people:detail", pk=kept.pk)


@login_required
def undo(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Undo a merge: the rows that moved go back (SC-4)."""
    if not services.can_review_duplicates(request.user):
        raise PermissionDenied
    merge = get_object_or_404(
        PersonMerge.objects.select_related("kept", "merged", "merged_by"), pk=pk
    )
    form = UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unmerge(merge, by=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, f"{merge.merged.full_name}'s record is separate again.")
            return redirect("people:detail", pk=merge.merged_id)
    return render(
        request,
        "matching/undo.html",
        {"merge": merge, "form": form},
        status=400 if form.errors else 200,
    )
