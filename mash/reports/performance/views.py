"""The performance report (issue 8 §2, DM-2)."""

from django.http import HttpRequest, HttpResponse


def report(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError("built by the performance-report work")
