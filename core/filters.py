"""Filters every list shares (django-filter's public API only)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget


class AnyYesNoWidget(BooleanWidget):
    """django-filter's true/false select, read as "Any / Yes / No": its own first choice says "Unknown",
    which reads as a third state of the flag rather than "do not filter"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


class YesNoFilter(django_filters.BooleanFilter):
    """A flag filter offering Any / Yes / No; ?flag=true or ?flag=false in the query string."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AnyYesNoWidget)
        super().__init__(*args, **kwargs)


class IsSetFilter(YesNoFilter):
    """Any / Yes / No on whether a field holds a value (a time something happened, say): Yes is "is set"."""

    def filter(self, qs, value):
        if value is None:
            return qs
        return self.get_method(qs)(**{f"{self.field_name}__isnull": not value})
