"""The project's form layout (templates/jinja2/partials/form.html and field.html) and the forms laid out
by hand, read as a screen reader reads them: the ids Django's aria-describedby names are on the page,
every control has a label, a group of radios is a fieldset named by its legend, and each rating radio
says what its number means."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from aftersales.forms import FeedbackLogForm
from customer_portal.forms import SurveyForm
from supervision.services.meetings import meeting_create_for_week
from supervision.weeks import this_week

from .html_checks import html_problems


class Everything(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the passport.")
    agree = forms.BooleanField(label="I agree", help_text="Read the terms first.")
    size = forms.ChoiceField(
        label="Size", choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect, help_text="Pick one."
    )
    note = forms.CharField(label="Note", required=False)


def rendered(form, template="{{ form }}") -> str:
    return Template(template).render(Context({"form": form}))


@pytest.mark.parametrize(
    "template",
    ["{{ form }}", "{% for field in form %}{{ field.as_field_group }}{% endfor %}"],
    ids=["form-layout", "field-group"],
)
@pytest.mark.parametrize("bound", [False, True], ids=["blank", "with-errors"])
def test_every_id_that_aria_describedby_names_is_on_the_page(template, bound):
    form = Everything(data={"note": "x"} if bound else None)
    html = rendered(form, template)
    assert html_problems(html) == []
    # the ids are Django's own: <auto_id>_helptext, and <auto_id>_error once there are errors
    assert 'aria-describedby="id_name_helptext' in html and 'id="id_name_helptext"' in html
    assert ('id="id_name_error"' in html) == bound
    if bound:
        assert 'aria-describedby="id_name_helptext id_name_error"' in html


def test_a_group_of_radios_is_a_fieldset_named_by_its_legend():
    html = rendered(Everything(data={}))
    fieldset = re.search(r"<fieldset([^>]*)>\s*<legend>Size</legend>(.*?)</fieldset>", html, re.S)
    assert fieldset, html
    assert 'aria-describedby="id_size_helptext id_size_error"' in fieldset[1]
    assert 'id="id_size_helptext"' in fieldset[2] and 'id="id_size_error"' in fieldset[2]
    assert '<label for="">' not in html  # a label for nothing: what the layout wrote for a group before


def test_a_form_without_ids_writes_no_dangling_ids():
    html = rendered(Everything(data={}, auto_id=False))
    assert "_helptext" not in html and "_error" not in html


RATING_LABELS = {
    "en": ["1 – poor", "2 – fair", "3 – average", "4 – good", "5 – excellent"],
    "zh-hans": ["1 – 差", "2 – 较差", "3 – 一般", "4 – 好", "5 – 非常好"],
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
@pytest.mark.parametrize("form_class", [SurveyForm, FeedbackLogForm])
def test_each_rating_radio_is_labelled_with_its_caption(form_class, lang):
    with translation.override(lang):
        html = rendered(form_class(prefix="survey"))
    assert html_problems(html) == []
    labels = re.findall(
        r'<label for="id_survey-quality_\d"><input type="radio" name="survey-quality" value="\d"[^>]*> ([^<]*)</label>',
        html,
    )
    assert labels == RATING_LABELS[lang]


@pytest.mark.django_db
def test_each_attendance_checkbox_is_labelled_with_the_persons_name(client, team_a, merchandiser):
    team, supervisor = team_a[0], team_a[1]
    meeting, _ = meeting_create_for_week(team=team, week_start=this_week())
    client.force_login(supervisor)
    html = client.get(reverse("supervision:meeting_detail", args=[meeting.pk])).content.decode()
    assert html_problems(html) == []
    for person in (supervisor, merchandiser):
        assert f'<label for="present-{person.pk}">{person}</label>' in html
        assert re.search(rf'<input type="checkbox" id="present-{person.pk}" name="present" value="{person.pk}"', html)


@pytest.mark.parametrize(
    ("html", "problems"),
    [
        ('<label for="a">A</label><input id="a" aria-describedby="a_h"><small id="a_h">x</small>', []),
        (
            '<input id="a" aria-describedby="a_helptext"><small id="a_help">x</small>',
            [
                "<input aria-describedby> names #a_helptext, which is not on the page",
                "<input name=None id='a'> has no label",
            ],
        ),
        ('<label>Name <input name="n"></label><input type="hidden" name="h"><button>Go</button>', []),
        ('<input type="checkbox" name="present" value="1">', ["<input name='present' id=None> has no label"]),
        ('<select aria-label="L" name="l"></select><textarea name=t id=t></textarea><label for=t>T</label>', []),
        ('<!-- <input name="x"> --><input name="y" aria-label="Y" data-x="a>b">', []),
    ],
)
def test_the_markup_checker(html, problems):
    assert html_problems(html) == problems
