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
    "account.role_changed": "Role granted, changed or removed in system administration",
    "sar.recorded": "Subject access request recorded",
    "sar.viewed": "Subject access request viewed",
    "sar.produced": "Subject access export produced",
    "sar.item_withheld": "Item withheld from a subject access export",
    "sar.downloaded": "Subject access export downloaded",
    "sar.item_released": "Withheld item released into a subject access export",
    "retention.reviewed": "Retention review run",
    "retention.review_due": "Record due for a retention review",
    "retention.listed": "Retention reviews listed",
    "retention.kept": "Record kept after a retention review",
    "retention.disposal_proposed": "Disposal of a record proposed",
    "retention.disposed": "Record disposed of: personal details removed, reference kept",
    "disclosure.register_viewed": "Register of disclosures to partner agencies viewed",
    "account.sign_in_failed": "Sign-in failed: wrong username or password",
    "account.mfa_failed": "Sign-in failed: wrong authenticator or recovery code",
    "account.mfa_enrolled": "Authenticator app set up for multi-factor authentication",
    "account.recovery_code_used": "Signed in with a single-use recovery code",
    "account.mfa_reset": "Multi-factor authentication reset by a system administrator",
    "account.locked": "Account locked after repeated failed sign-ins",
    "account.unlocked": "Account unlocked",
    "account.session_expired": "Signed out after a time without activity",
    "account.password_changed": "Password changed",
    "notification.acknowledgement_sent": "Acknowledgement email sent to the referrer",
    "notification.information_request_sent": "Email sent to the partner agency's inbox",
    "notification.failed": "A notification could not be sent",
    "notification.sent_again": "A notification that failed was sent again",
    "notification.listed": "Emails and letters listed",
    "letter.issued": "Outcome letter written and sent to the outbox (OU-3, OU-4)",
    "letter.held": "Outcome letter to a parent held (CO-1)",
    "letter.released": "Held outcome letter released by a manager (CO-1)",
    "letter.no_address": "Outcome letter written: no address to send it to",
    "letter.viewed": "Outcome letter viewed",
    "letter.sent_again": "Outcome letter sent again",
    "letter.sent": "Outcome letter sent",
    "letter.failed": "Outcome letter could not be sent",
    "audit.searched": "Audit trail searched for a person or contact",
    "audit.trail_viewed": "Audit trail of a person or contact viewed",
    # Deadline alerts and written confirmation (issue 7: IN-7, TS-4).
    "alert.raised": "Deadline alert raised",
    "alert.acknowledged": "Deadline alert acknowledged",
    "alerts.viewed": "Deadline alerts listed",
    "contact.written_confirmation_chased": "Referrer chased for the overdue written confirmation",
    "contact.written_confirmation_viewed": "Written confirmation downloaded",
    "notification.deadline_alert_sent": "Deadline alert emailed to a member of staff",
    "notification.written_confirmation_chase_sent": "Email sent asking the referrer for "
    "written confirmation",
    # The performance report (issue 8 §2, DM-2).
    "reports.performance_viewed": "Performance report viewed",
    "reports.performance_exported": "Performance report downloaded (CSV or PDF)",
    # Management information (issue 8 §1, DM-2): the managers' daily overview.
    "reports.overview_viewed": "Managers' daily overview viewed",
    # Issue 8 §5–6: Ofsted's Annex A, the data quality page and the census details it asks for.
    "returns.annex_a_exported": "Ofsted Annex A lists downloaded",
    "returns.data_quality_viewed": "Records that would fail the returns listed",
    "person.census_details_changed": "Census details changed (ethnicity, disability, UPN)",
    # Statutory returns (issue 8): each census or Annex A file taken, by the command or a download.
    "returns.exported": "Statutory return exported (CIN census or Annex A)",
    "returns.viewed": "Statutory return page viewed: its summary and the records to fix",
}


# Reads of a record: kept for auditors, left off the record's own timeline of what was done.
READ_ACTIONS = frozenset(
    {
        "contact.viewed",
        "letter.viewed",
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
        "sar.viewed",
        "sar.downloaded",
        "retention.listed",
        "notification.listed",
        "disclosure.register_viewed",
        "contact.written_confirmation_viewed",
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
    "alerts.viewed",
    "reports.overview_viewed",
    "returns.annex_a_exported",
    "returns.data_quality_viewed",
    "returns.exported",
    "returns.viewed",
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
    "reports.overview_viewed": "Viewed the managers' daily overview, which listed this contact",
    "returns.exported": "Exported a statutory return that included this child",
    "returns.viewed": "Viewed a statutory return's list of records to fix, which named this child",
}


def in_words(action: str) -> str:
    """What an auditor reads for `action`."""
    return AUDITOR_WORDS.get(action) or ACTIONS.get(action, action)


def describe(action: str) -> str:
    """The timeline wording for `action`."""
    return ACTIONS[action]


# Dip sampling (issue 8 §3, DM-2): drawing samples of closed contacts and auditing them.
ACTIONS.update(
    {
        "sampling.drawn": "Dip sample of closed contacts drawn for audit (DM-2)",
        "sampling.listed": "Dip samples listed (DM-2)",
        "sampling.viewed": "Dip sample viewed, listing this contact (DM-2)",
        "sampling.finding_recorded": "Audit findings recorded on a dip-sampled contact (DM-2)",
        "sampling.exported": "Dip sample findings downloaded as CSV (DM-2)",
    }
)
ACCESS_ACTIONS = ACCESS_ACTIONS | {"sampling.viewed", "sampling.exported"}
