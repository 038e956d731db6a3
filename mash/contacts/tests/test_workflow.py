"""Properties of the transition table (house style 6.5), not a copy of it."""

from pathlib import Path

from mash.contacts.models import Contact
from mash.contacts.workflow import OPEN, TRANSITIONS

Status = Contact.Status
REPO = Path(__file__).resolve().parents[3]


def _reachable(start: str) -> set[str]:
    seen, frontier = {start}, [start]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def test_every_status_has_a_row() -> None:
    assert set(TRANSITIONS) == set(Status.values)


def test_every_status_is_reachable_from_received() -> None:
    assert _reachable(Status.RECEIVED) == set(Status.values)


def test_every_open_status_can_reach_closed() -> None:
    for status in OPEN:
        assert Status.CLOSED in _reachable(status), status


def test_closed_is_terminal_and_only_decided_or_passed_on_closes() -> None:
    # A contact closes after a decision, or once the team it was routed to has it (IN-6).
    assert TRANSITIONS[Status.CLOSED] == frozenset()
    closers = {s for s, targets in TRANSITIONS.items() if Status.CLOSED in targets}
    assert closers == {Status.DECIDED, Status.PASSED_ON}


def test_no_status_moves_to_itself() -> None:
    assert all(status not in targets for status, targets in TRANSITIONS.items())


def test_docs_workflow_diagram_is_current() -> None:
    from mash.contacts.workflow import as_mermaid

    doc = REPO / "docs/workflow.md"
    assert as_mermaid() in doc.read_text(encoding="utf-8"), "regenerate docs/workflow.md"
