"""Every audit action name the service may record, with the words the timeline shows."""

ACTIONS: dict[str, str] = {
    "contact.recorded": "Contact recorded",
    "contact.viewed": "Contact record viewed",
    "contact.moved": "Status changed",
    "contact.person_linked": "Person linked to an existing record",
    "contact.person_confirmed_new": "Person confirmed as new to the service",
    "contact.screened": "Screened",
    "contact.recommended": "Recommendation recorded",
    "contact.decided": "Decision recorded",
    "contact.closed": "Contact closed",
    "contact.acknowledged": "Acknowledgement sent to the referrer",
    "contact.written_confirmation_received": "Written confirmation received",
    "contact.checks_completed": "MASH checks completed",
    "person.viewed": "Person record viewed",
    "person.searched": "People searched",
    "person.merged": "Person records merged",
    "person.unmerged": "Person records separated again (merge undone)",
    "person.duplicate_rejected": "Possible duplicate marked as a different person",
    "person.duplicates_searched": "Batch search for duplicate records run",
    "person.duplicates_listed": "Possible duplicate records listed",
    "queue.viewed": "Queue viewed",
    "api.contact_submitted": "Contact submitted through the partner API",
    "api.contact_status_viewed": "Contact status read through the partner API",
    "account.signed_in": "Signed in",
    "account.signed_out": "Signed out",
}


def describe(action: str) -> str:
    """The timeline wording for `action`."""
    return ACTIONS[action]
