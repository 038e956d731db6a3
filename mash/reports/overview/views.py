"""The managers' daily overview (issue 8 §1, DM-2)."""

from django.http import HttpRequest, HttpResponse


def overview(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError("built by the overview work")
