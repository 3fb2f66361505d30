"""Domain errors. Each carries a message fit to show the user; `core.views` turns them into responses."""


class DomainError(Exception):
    """A service refused: `message` says why, `reasons` may list each unmet condition."""

    def __init__(self, message, *, reasons=None):
        super().__init__(str(message))
        self.message = message
        self.reasons = list(reasons or [])


class NotPermitted(DomainError):
    """The person may not do this to this object."""


class Stale(DomainError):
    """Someone else changed the object since the page was loaded."""


class InvalidInput(DomainError):
    """A value the service refuses (size limits, unknown codes, an empty reason...)."""


class TransitionRefused(DomainError):
    """The object is in the wrong state for this, or a guard is not satisfied."""
