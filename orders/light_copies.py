"""Cheaper copies of the form fields and filters that pages build on every request.

Django deep-copies a form class's field definitions into every form it builds, and django-filter
deep-copies a FilterSet's filters into every FilterSet (and then builds a new form class from them).
The generic deep copy walks every lazy label, choice and queryset: it was most of the cost of the
check-in page's 25 to 100 forms, and a millisecond of every filtered order list. The copies here are the
ones Django's own ``__deepcopy__`` methods make, less the choices, which are shared: forms and filters
replace their choices, never change them in place. A field or widget with a copy of its own (sub-fields,
sub-widgets) gets the full deep copy, as before.
"""

import copy

import django_filters
from django import forms
from django.forms.widgets import ChoiceWidget

# The copies reproduced here; a class with any other __deepcopy__ gets the full copy.
_MODEL_CHOICE_COPY = forms.ModelChoiceField.__deepcopy__
_LIGHT_FIELD_COPIES = frozenset({forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__, _MODEL_CHOICE_COPY})
_LIGHT_WIDGET_COPIES = frozenset({forms.Widget.__deepcopy__, ChoiceWidget.__deepcopy__})


class FieldsCopiedLight(dict):
    """A form class's ``base_fields``, copied field by field with `copy_field` into each form."""

    def __deepcopy__(self, memo):
        return {name: copy_field(field, memo) for name, field in self.items()}


def copy_field(field: forms.Field, memo: dict) -> forms.Field:
    field_copy, widget = type(field).__deepcopy__, field.widget
    if field_copy not in _LIGHT_FIELD_COPIES or type(widget).__deepcopy__ not in _LIGHT_WIDGET_COPIES:
        return copy.deepcopy(field, memo)
    copied = _plain_copy(field)
    copied.widget = _plain_copy(widget)
    copied.widget.attrs = widget.attrs.copy()
    copied.error_messages = field.error_messages.copy()
    copied.validators = field.validators[:]
    if field_copy is _MODEL_CHOICE_COPY and field.queryset is not None:
        # A queryset of its own (and with it a new choice iterator on the widget), as Django's copy
        # makes: a shared one would keep the rows one form read for every later form.
        copied.queryset = field.queryset.all()
    return copied


class FiltersCopiedLight(dict):
    """A FilterSet's ``base_filters``, copied shallowly into each FilterSet. A filter holds its settings
    and, once in a FilterSet, that FilterSet (``parent``); its ``extra`` keyword arguments are its own
    copy, and a method filter's FilterMethod is made again for the copy, so that it finds the method on
    the copy's FilterSet and not on whichever FilterSet the definition last served."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            copied = _plain_copy(filter_)
            copied.extra = filter_.extra.copy()
            if filter_.method is not None:
                copied.method = filter_.method
            copies[name] = copied
        return copies


class FilterSetBuiltOnce(django_filters.FilterSet):
    """A FilterSet whose filters are copied light and whose form class is built once per FilterSet class.

    For FilterSets whose form depends on nothing of the request: django-filter builds the form class
    anew for every FilterSet from its filters' fields (``get_form_class``), so a queryset that is a
    callable of the request would be read once here, for everyone. Declare querysets, not callables."""

    def __init__(self, *args, **kwargs):
        cls = type(self)
        if type(cls.__dict__.get("base_filters")) is not FiltersCopiedLight:
            cls.base_filters = FiltersCopiedLight(cls.base_filters)
        super().__init__(*args, **kwargs)

    def get_form_class(self):
        cls = type(self)
        form_class = cls.__dict__.get("_form_class_built_once")
        if form_class is None:
            if any(callable(getattr(f, "queryset", None)) for f in self.filters.values()):
                raise TypeError(f"{cls.__name__}: a queryset that depends on the request cannot be built once")
            form_class = super().get_form_class()
            form_class.base_fields = FieldsCopiedLight(form_class.base_fields)
            cls._form_class_built_once = form_class
        return form_class


def _plain_copy(thing):
    """copy.copy() of a plain object (its attributes in __dict__), without copy's protocol lookups."""
    copied = object.__new__(type(thing))
    copied.__dict__.update(thing.__dict__)
    return copied
