"""Domain errors raised by services and turned into plain-English messages by interfaces."""


class ApplicationError(Exception):
    """A rule of the domain stopped an action. `message` is shown to the user as it is.

    `field` names the form field the problem belongs to (None for the whole form), and
    `rule_ids` the rules from RULES.md that were applied, so the UI can explain itself.
    """

    def __init__(
        self, message: str, *, field: str | None = None, rule_ids: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule_ids = rule_ids


class InvalidInput(ApplicationError):
    """Several rules refused the same input: every problem is reported at once, so the user
    fixes everything in one go. The first problem is the exception's own message."""

    def __init__(self, problems: list[ApplicationError]) -> None:
        first = problems[0]
        super().__init__(first.message, field=first.field, rule_ids=first.rule_ids)
        self.problems = problems


class TransitionNotAllowed(ApplicationError):
    """A contact cannot move to the asked-for status from where it is now."""


class NotPermitted(ApplicationError):
    """The acting user's role or agency does not allow this action."""


class Conflict(TransitionNotAllowed):
    """Someone else changed the record first: nothing was saved, and the message says what
    they did so the user can read it before trying again (interfaces answer HTTP 409)."""
