"""The evaluation speaks the project's domain errors (each carries a message fit to show the user)."""

from django.utils.translation import gettext_lazy as _

from orders.errors import InvalidInput, NotPermitted, OrderError, TransitionRefused

__all__ = ["EvaluationError", "InvalidInput", "NotPermitted", "QuarterFrozen", "TransitionRefused"]

EvaluationError = OrderError


class QuarterFrozen(TransitionRefused):
    """The quarter is finalised: its results never change again."""

    def __init__(self, quarter):
        super().__init__(_("%(quarter)s is finalised: its results can no longer change.") % {"quarter": quarter})
