"""Domain errors. Each carries a message fit to show the user; views turn them into flash messages."""


class OrderError(Exception):
    def __init__(self, message, *, reasons=None):
        super().__init__(str(message))
        self.message = message
        self.reasons = list(reasons or [])


class TransitionRefused(OrderError):
    """The order is in the wrong state, or a guard is not satisfied."""


class NotPermitted(OrderError):
    """The person may not do this to this order."""


class StaleOrder(OrderError):
    """Someone else changed the order since the page was loaded."""


class InvalidInput(OrderError):
    """A value the service refuses (size limits, unknown codes, an empty reason...)."""
