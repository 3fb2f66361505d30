"""The evaluation's own domain error; the shared ones are in core.errors."""

from django.utils.translation import gettext_lazy as _

from core.errors import TransitionRefused


class QuarterFrozen(TransitionRefused):
    """The quarter is finalised: its results never change again."""

    def __init__(self, quarter):
        super().__init__(_("%(quarter)s is finalised: its results can no longer change.") % {"quarter": quarter})
