"""orders/light_copies.py: the light copies give each form and FilterSet what Django's deep copy gives it
(its own fields, widgets, attrs, messages, querysets and filters), and the forms they build behave the same."""

import pytest
from django import forms
from django.http import QueryDict

from orders.filters import OrderFilter
from orders.light_copies import FieldsCopiedLight, FilterSetBuiltOnce
from orders.models import Customer, Order

from ..factories import CustomerFactory, make_order


class _Sample(forms.Form):
    name = forms.CharField(max_length=5, widget=forms.TextInput(attrs={"size": 5}))
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    customer = forms.ModelChoiceField(queryset=Customer.objects.order_by("pk"))
    when = forms.SplitDateTimeField(required=False)  # its own __deepcopy__ (sub-fields): the full copy


class _Light(_Sample):
    pass


_Light.base_fields = FieldsCopiedLight(_Light.base_fields)


def test_each_form_gets_its_own_fields_widgets_and_settings():
    first, second = _Light(), _Light()
    first.fields["name"].widget.attrs["size"] = 9
    first.fields["name"].validators.append(lambda value: None)
    first.fields["name"].error_messages["required"] = "!"
    first.fields["kind"].choices = [("c", "C")]

    assert second.fields["name"].widget.attrs["size"] == 5
    assert _Light.base_fields["name"].widget.attrs["size"] == 5
    assert len(second.fields["name"].validators) == len(_Light.base_fields["name"].validators)
    assert second.fields["name"].error_messages["required"] != "!"
    assert list(second.fields["kind"].choices) == [("a", "A"), ("b", "B")]
    assert list(second.fields["kind"].widget.choices) == [("a", "A"), ("b", "B")]
    for name in _Light.base_fields:
        assert first.fields[name] is not second.fields[name] is not _Light.base_fields[name]
        assert first.fields[name].widget is not second.fields[name].widget


def test_a_field_with_a_copy_of_its_own_is_copied_whole():
    first, second = _Light(), _Light()

    assert first.fields["when"].fields[0] is not second.fields["when"].fields[0]
    assert first.fields["when"].widget.widgets[0] is not second.fields["when"].widget.widgets[0]


@pytest.mark.django_db
def test_each_form_reads_its_own_choice_rows():
    # A shared queryset would keep the rows the first form read: the customer added after would not show.
    CustomerFactory(code="C1")
    first = _Light()
    assert len(list(first.fields["customer"].choices)) == 2

    CustomerFactory(code="C2")
    second = _Light()

    assert first.fields["customer"].queryset is not second.fields["customer"].queryset
    assert len(list(second.fields["customer"].choices)) == 3
    assert len(list(second.fields["customer"].widget.choices)) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "abc", "kind": "b", "when_0": "2026-11-28", "when_1": "10:00"},
        {"name": "too long", "kind": "x", "customer": "999", "when_0": "not a date"},
    ],
)
def test_a_light_form_renders_and_validates_as_a_deep_copied_one(data):
    customer = CustomerFactory(code="C1")
    data = {"customer": str(customer.pk), **data}

    light, deep = _Light(data), _Sample(data)

    assert light.is_valid() == deep.is_valid()
    assert light.errors == deep.errors
    assert str(light) == str(deep)


# --- FilterSets ------------------------------------------------------------------------------------------
def test_each_filter_set_gets_its_own_filters_bound_to_itself():
    first = OrderFilter(QueryDict("q=SO-1"), queryset=Order.objects.all())
    second = OrderFilter(queryset=Order.objects.none())

    for name, filter_ in first.filters.items():
        assert filter_ is not second.filters[name] is not OrderFilter.base_filters[name]
        assert filter_.parent is first and second.filters[name].parent is second
        assert filter_.extra is not second.filters[name].extra
    # The search is a method filter: it must call the method of its own FilterSet.
    assert first.filters["q"].filter.method.__self__ is first
    assert second.filters["q"].filter.method.__self__ is second


@pytest.mark.django_db
def test_filter_sets_built_in_turn_each_filter_by_their_own_data(merchandiser):
    wanted = make_order(merchandiser=merchandiser, customer_po="PO-WANTED")
    make_order(merchandiser=merchandiser, customer_po="PO-OTHER")
    searched = OrderFilter(QueryDict("q=PO-WANTED"), queryset=Order.objects.all())
    between = OrderFilter(QueryDict("q=PO-OTHER&status=cancelled"), queryset=Order.objects.all())
    assert not between.qs.exists()

    assert list(searched.qs) == [wanted]


def test_the_form_class_is_built_once_and_its_forms_do_not_share_fields():
    first, second = OrderFilter(queryset=Order.objects.none()), OrderFilter(queryset=Order.objects.none())

    assert first.get_form_class() is second.get_form_class()
    for name in first.form.fields:
        assert first.form.fields[name] is not second.form.fields[name]


def test_errors_of_one_filter_form_do_not_reach_the_next():
    bad = OrderFilter(QueryDict("received_from=soon&status=nope"), queryset=Order.objects.none())
    good = OrderFilter(QueryDict("status=received"), queryset=Order.objects.none())

    assert set(bad.form.errors) == {"received_from", "status"}
    assert good.form.is_valid() and not good.form.errors


def test_a_queryset_read_from_the_request_is_refused():
    import django_filters

    class PerRequest(FilterSetBuiltOnce):
        customer = django_filters.ModelChoiceFilter(queryset=lambda request: Customer.objects.none())

    with pytest.raises(TypeError, match="depends on the request"):
        PerRequest(queryset=Order.objects.none()).form  # noqa: B018 - building the form is the test
