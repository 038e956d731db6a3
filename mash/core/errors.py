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


class TransitionNotAllowed(ApplicationError):
    """A contact cannot move to the asked-for status from where it is now."""


class NotPermitted(ApplicationError):
    """The acting user's role or agency does not allow this action."""
