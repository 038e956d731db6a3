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
    "contact.concerns_changed": "Kinds of concern changed",
    "routing.suggested": "Route suggested by the local procedures",
    "routing.accepted": "Passed on as the procedures suggest",
    "routing.overridden": "Route chosen by a manager instead of the suggestion",
    "routing.receipt_confirmed": "Receiving team confirmed it has the contact",
    "routing.returned": "Sent back to the MASH for screening",
    "routing.task_created": "Task required by the local procedures",
    "routing.task_done": "Required task done",
    "routing.task_reopened": "Required task opened again",
    "routing.domestic_abuse_recorded": "Domestic abuse risk reviewed",
    "routing.missing_recorded": "Missing Coordinators' review recorded",
    "routing.dct_eligibility_recorded": "Disabled Children's Team criteria checked",
    "routing.dct_decision_recorded": "Disabled Children's Team decision recorded",
    "routing.cross_boundary_recorded": "Cross-boundary agreement recorded",
    "team.inbox_viewed": "Team inbox viewed",
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
    "audit.searched": "Audit trail searched for a person or contact",
    "audit.trail_viewed": "Audit trail of a person or contact viewed",
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
        "team.inbox_viewed",
        "access.refused",
    }
)


# Every action that reads a child's data without changing it (views, searches, lists, exports):
# what the auditor's "who looked at this child's record" filter shows (ADR 0010).
ACCESS_ACTIONS = READ_ACTIONS | {
    "person.viewed",
    "person.searched",
    "person.duplicates_listed",
    "queue.viewed",
    "sharing.requests_listed",
    "sharing.exported",
    "meeting.listed",
    "dispute.listed",
    "api.requests_listed",
    "api.exported",
    "audit.searched",
    "audit.trail_viewed",
}

# The auditor's words for what someone did with this child's record, where the timeline's
# label says less than an auditor needs; anything else uses ACTIONS.
AUDITOR_WORDS: dict[str, str] = {
    "contact.viewed": "Opened the contact record",
    "person.viewed": "Opened the person record",
    "person.searched": "Searched for a person; this child was among the results",
    "person.duplicates_listed": "Listed possible duplicate records",
    "queue.viewed": "Viewed the queue",
    "team.inbox_viewed": "Viewed a team inbox that listed this contact",
    "sharing.requests_listed": "Viewed the partner workspace, which listed this request",
    "sharing.request_viewed": "Opened the information request to their agency",
    "sharing.mais_viewed": "Opened the multi-agency information sharing record",
    "sharing.exported": "Downloaded their agency's export, which included this contact",
    "api.contact_status_viewed": "Read the contact's status through the partner API",
    "api.requests_listed": "Listed information requests through the partner API, including this",
    "api.request_viewed": "Read the information request through the partner API",
    "api.exported": "Took their agency's export through the partner API, including this contact",
    "access.refused": "Asked for a record not shared with them: refused (CO-4)",
    "audit.searched": "Searched the audit trail; this record was among the results",
    "audit.trail_viewed": "Viewed this record's audit trail",
}


def in_words(action: str) -> str:
    """What an auditor reads for `action`."""
    return AUDITOR_WORDS.get(action) or ACTIONS.get(action, action)


def describe(action: str) -> str:
    """The timeline wording for `action`."""
    return ACTIONS[action]
