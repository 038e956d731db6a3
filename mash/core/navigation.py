"""The GOV.UK service navigation: the few places a signed-in MASH worker goes most."""

from typing import Any

from django.urls import reverse

ITEMS = (
    ("Queue", "contacts:queue"),
    ("Record a contact", "contacts:record"),
    ("Find a child", "people:search"),
    ("Team inboxes", "routing:inboxes"),
    ("MASH meetings", "meetings:list"),
    ("Disputes", "disputes:list"),
    ("Emails and letters", "notifications:messages"),
)
# A partner-agency officer works only on what its agency is asked (MA-2, MA-7, MA-8).
PARTNER_ITEMS = (
    ("Requests for information", "partner:workspace"),
    ("MASH meeting records", "meetings:list"),
    ("Download our records", "partner:export"),
)


# Missing coordinators and the DCT see the contacts they have a part in (ADR 0012).
PATHWAY_ITEMS = (("Queue", "contacts:queue"), ("Team inboxes", "routing:inboxes"))
# Managers and the auditor also read management information and the returns (ADR 0020).
MANAGEMENT_ITEMS = (("Reports", "reports:index"),)
# A system administrator manages accounts and reads no child's record (ADR 0012).
SYSTEM_ADMIN_ITEMS = (("System administration", "admin:index"),)


def _items_for(user: Any) -> tuple[tuple[str, str], ...]:
    is_partner = getattr(user, "is_partner", None)
    if is_partner is None:
        return ITEMS
    if not is_partner():
        if user.is_mash_staff():
            return ITEMS
        if user.sees_case_records():
            return PATHWAY_ITEMS
        return SYSTEM_ADMIN_ITEMS if user.is_system_administrator() else ()
    if not user.is_mash_staff():
        return PARTNER_ITEMS
    listed = {name for _, name in PARTNER_ITEMS}
    return PARTNER_ITEMS + tuple(item for item in ITEMS if item[1] not in listed)


def _reads_reports(user: Any) -> bool:
    from mash.reports.permissions import can_read_management_information

    return callable(getattr(user, "has_role", None)) and can_read_management_information(user)


def navigation(request: Any) -> list[dict[str, Any]]:
    """Items for `govukServiceNavigation`; none for anyone not signed in.

    An item is `active` when the path is inside its URL. Only the longest match counts, so
    "Record a contact" at /contacts/new/ does not also light up "Queue" at /contacts/.
    `current` (aria-current="page") is set only on the item's own page.
    """
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return []
    items: list[dict[str, Any]] = [
        {"text": text, "href": reverse(name)}
        for text, name in _items_for(user) + (MANAGEMENT_ITEMS if _reads_reports(user) else ())
    ]
    path = str(getattr(request, "path", ""))
    matches = [item for item in items if path.startswith(item["href"])]
    if matches:
        best = max(matches, key=lambda item: len(item["href"]))
        best["active"] = True
        best["current"] = path == best["href"]
    return items
