"""The id of the request being served, for audit correlation outside the view layer."""

import uuid
from contextvars import ContextVar

_request_id: ContextVar[uuid.UUID | None] = ContextVar("request_id", default=None)
# Whether this request's refusal is already in the audit trail (the 403 handler adds one if
# not). Kept here, not looked up by request id: a browser may send any X-Request-ID.
_refusal_recorded: ContextVar[bool] = ContextVar("refusal_recorded", default=False)


def current_request_id() -> uuid.UUID | None:
    """The id RequestIdMiddleware gave the current request, or None outside a request."""
    return _request_id.get()


def set_request_id(value: uuid.UUID | None) -> None:
    """Set by RequestIdMiddleware at the start of each request (which has no refusal yet)."""
    _request_id.set(value)
    _refusal_recorded.set(False)


def note_refusal_recorded() -> None:
    """`audit.record_refusal` wrote this request's refusal."""
    _refusal_recorded.set(True)


def refusal_recorded() -> bool:
    """Whether this request's refusal is already in the audit trail."""
    return _refusal_recorded.get()
