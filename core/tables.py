"""Columns every list shares: shown as text, exported as what they hold (core.exports writes real dates
and times, in the company's time zone)."""

import django_tables2 as tables


class DateTimeColumn(tables.DateTimeColumn):
    """A time shown to the minute in local time; exported as the datetime itself."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "Y-m-d H:i")
        super().__init__(*args, **kwargs)

    def value(self, value, **kwargs):
        return value


class DateColumn(tables.DateColumn):
    """A date shown as ISO (unambiguous in both languages); exported as the date itself."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "Y-m-d")
        super().__init__(*args, **kwargs)

    def value(self, value, **kwargs):
        return value
