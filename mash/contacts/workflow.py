"""The contact workflow. Read TRANSITIONS to know every allowed move (house style 6.5).

RECEIVED ─route─▶ PASSED_ON (open case, recent closure: IN-6, SC-7, TS-10) ─receipt─▶ CLOSED
         │                                                      └─returned─▶ RECEIVED
RECEIVED ─screen─▶ INFORMATION_SHARING (RED/AMBER: MASH checks, TS-2/TS-3)
         └screen─▶ AWAITING_RECOMMENDATION (below threshold, or no checks needed)
INFORMATION_SHARING ─checks complete─▶ AWAITING_RECOMMENDATION
AWAITING_RECOMMENDATION ─recommend─▶ AWAITING_DECISION
AWAITING_DECISION ─decide─▶ DECIDED, or back for more checks / a new recommendation
DECIDED ─close─▶ CLOSED
"""

from mash.contacts.models import Contact

Status = Contact.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset(
        {Status.INFORMATION_SHARING, Status.AWAITING_RECOMMENDATION, Status.PASSED_ON}
    ),
    Status.PASSED_ON: frozenset({Status.CLOSED, Status.RECEIVED}),
    Status.INFORMATION_SHARING: frozenset({Status.AWAITING_RECOMMENDATION}),
    Status.AWAITING_RECOMMENDATION: frozenset({Status.AWAITING_DECISION}),
    Status.AWAITING_DECISION: frozenset(
        {Status.DECIDED, Status.INFORMATION_SHARING, Status.AWAITING_RECOMMENDATION}
    ),
    Status.DECIDED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

OPEN: frozenset[str] = frozenset(TRANSITIONS) - {Status.CLOSED}


def can_move(status: str, to: str) -> bool:
    """True when the workflow allows a contact in `status` to move to `to`."""
    return to in TRANSITIONS[status]


def describe(status: str) -> str:
    """The status in the words the UI uses."""
    return str(Status(status).label)


def as_mermaid() -> str:
    """The transition table as a Mermaid state diagram (docs/workflow.md)."""
    lines = ["stateDiagram-v2", f"    [*] --> {Status.RECEIVED}"]
    for status, targets in TRANSITIONS.items():
        lines += [f"    {status} --> {target}" for target in sorted(targets)]
    lines.append(f"    {Status.CLOSED} --> [*]")
    return "\n".join(lines)
