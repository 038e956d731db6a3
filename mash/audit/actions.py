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
    "contact.decision_revised": "Decision changed by the outcome of a dispute",
    "clock.started": "Clock started",
    "sharing.checks_requested": "Partner agency checks requested",
    "sharing.request_viewed": "Information request viewed",
    "sharing.requests_listed": "Partner workspace viewed",
    "sharing.contribution_recorded": "Partner agency response recorded",
    "sharing.request_chased": "Partner agency chased for its response",
    "sharing.request_closed_unanswered": "Went ahead without a partner agency's response",
    "sharing.consent_recorded": "Consent position recorded",
    "sharing.mais_viewed": "Multi-agency information sharing record viewed",
    "sharing.exported": "Partner agency export downloaded",
    "meeting.recorded": "MASH meeting recorded",
    "meeting.viewed": "MASH meeting record viewed",
    "meeting.case_viewed": "Case discussion at a MASH meeting read",
    "meeting.listed": "MASH meetings listed",
    "meeting.case_discussed": "Case discussion recorded at a MASH meeting",
    "meeting.issued": "MASH meeting record issued to the agencies",
    "strategy.recorded": "Strategy discussion recorded",
    "strategy.viewed": "Strategy discussion viewed",
    "strategy.action_completed": "Strategy discussion action completed",
    "emergency_action.recorded": "Emergency action recorded",
    "dispute.raised": "Dispute about the recommendation raised",
    "dispute.viewed": "Dispute viewed",
    "dispute.listed": "Open disputes listed",
    "dispute.escalated": "Dispute escalated",
    "dispute.resolved": "Dispute resolved",
    "access.refused": "Access refused: not shared with this user",
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
    "api.requests_listed": "Information requests listed through the partner API",
    "api.request_viewed": "Information request read through the partner API",
    "api.contribution_submitted": "Partner agency response submitted through the partner API",
    "api.exported": "Partner agency export read through the partner API",
    "account.signed_in": "Signed in",
    "account.signed_out": "Signed out",
}


# Reads of a record: kept for auditors, left off the record's own timeline of what was done.
READ_ACTIONS = frozenset(
    {
        "contact.viewed",
        "api.contact_status_viewed",
        "api.request_viewed",
        "sharing.request_viewed",
        "sharing.mais_viewed",
        "meeting.viewed",
        "meeting.case_viewed",
        "strategy.viewed",
        "dispute.viewed",
        "access.refused",
    }
)


def describe(action: str) -> str:
    """The timeline wording for `action`."""
    return ACTIONS[action]
