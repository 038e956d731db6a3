"""The id of the request being served, for audit correlation outside the view layer."""

import uuid
from contextvars import ContextVar

_request_id: ContextVar[uuid.UUID | None] = ContextVar("request_id", default=None)


def current_request_id() -> uuid.UUID | None:
    """The id RequestIdMiddleware gave the current request, or None outside a request."""
    return _request_id.get()


def set_request_id(value: uuid.UUID | None) -> None:
    """Set by RequestIdMiddleware at the start of each request."""
    _request_id.set(value)
