from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.dates import DateField, DateTimeField

from .models import (
    AppealAnswer,
    FindingSeverity,
    SampleMode,
    Sanction,
    SuggestionTopic,
    ViolationSeverity,
    ViolationType,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PeriodForm(forms.Form):
    start = DateField(label=_("From"), widget=DATE, required=False)
    end = DateField(label=_("To"), widget=DATE, required=False)

    def period(self, default_start, default_end):
        if self.is_valid():
            start = self.cleaned_data.get("start") or default_start
            end = self.cleaned_data.get("end") or default_end
            if end >= start:
                return start, end
        return default_start, default_end


# --- meetings ----------------------------------------------------------------------------------------
class MeetingRecordForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}))
    decisions = forms.CharField(label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none())
    due_date = DateField(label=_("Due date"), widget=DATE)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["owner"].queryset = people


class ActionStepForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


# --- reports -----------------------------------------------------------------------------------------
class ReportForm(forms.Form):
    summary = forms.CharField(label=_("Work done"), widget=forms.Textarea(attrs={"rows": 5}))
    problems = forms.CharField(
        label=_("Problems and help needed"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    plans = forms.CharField(label=_("Plans for next week"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReportSuggestionForm(forms.Form):
    """Attach an existing suggestion, or write a new one."""

    existing = forms.ChoiceField(label=_("One of your suggestions"), required=False)
    title = forms.CharField(label=_("Or a new suggestion: title"), max_length=200, required=False)
    body = forms.CharField(label=_("Suggestion"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=SuggestionTopic.choices, initial=SuggestionTopic.PROCESS)

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing"].choices = [("", "—"), *((str(s.pk), s.title) for s in suggestions)]


class ReportReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment for the author"), widget=forms.Textarea(attrs={"rows": 3}))


# --- record reviews ----------------------------------------------------------------------------------
class RecordReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"), coerce=int, choices=[(i, str(i)) for i in range(5, 0, -1)], widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


# --- spot checks -------------------------------------------------------------------------------------
class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    period_start = DateField(label=_("Period from"), widget=DATE)
    period_end = DateField(label=_("Period to"), widget=DATE)
    sample_mode = forms.ChoiceField(label=_("Sample size as"), choices=SampleMode.choices)
    sample_size = forms.IntegerField(label=_("Sample size"), min_value=1, max_value=1000)
    stratify_by_stage = forms.BooleanField(label=_("Stratify by stage"), required=False)


class DrawForm(forms.Form):
    seed = forms.CharField(
        label=_("Seed"), max_length=64, required=False, help_text=_("Leave empty for a fresh random seed.")
    )


class ScoreForm(forms.Form):
    """One pass/fail and note per active checklist item, pre-filled with what the records suggest."""

    def __init__(self, *args, items=(), initial_results=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_results = initial_results or {}
        self.items = list(items)
        for item in self.items:
            passed = initial_results.get(item.pk, (None, ""))
            self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                label=item.label,
                choices=[("pass", _("Pass")), ("fail", _("Fail"))],
                widget=forms.RadioSelect,
                initial={True: "pass", False: "fail"}.get(passed[0]),
            )
            # The notes sit in a table with no <label> of their own: the name says which item each is for.
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                initial=passed[1],
                max_length=1000,
                widget=forms.TextInput(attrs={"aria-label": format_lazy("{}: {}", _("Note"), item.label)}),
            )

    def rows(self):
        return [(item, self[f"item_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def results(self) -> dict:
        return {
            item.pk: (self.cleaned_data[f"item_{item.pk}"] == "pass", self.cleaned_data[f"note_{item.pk}"])
            for item in self.items
        }


class FindingForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=FindingSeverity.choices)
    corrective_action = forms.CharField(label=_("Corrective action"), widget=forms.Textarea(attrs={"rows": 2}))
    due_date = DateField(label=_("Due date"), widget=DATE)


class FindingCloseForm(forms.Form):
    evidence = forms.CharField(label=_("What you did (evidence)"), widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Evidence file"), required=False)


# --- violations --------------------------------------------------------------------------------------
class ViolationForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=get_user_model().objects.none())
    type = forms.ChoiceField(label=_("Type"), choices=ViolationType.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=ViolationSeverity.choices)
    occurred_at = DateTimeField(label=_("Occurred at"), widget=DATETIME, initial=timezone.now)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    order = forms.IntegerField(label=_("Order id (optional)"), required=False, min_value=1)
    finding = forms.IntegerField(label=_("Finding id (optional)"), required=False, min_value=1)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people


class OpinionForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label=_("Your opinion of the proposed sanction"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("I agree")), ("no", _("I do not agree"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DecisionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Conclusion"),
        coerce=lambda v: v == "yes",
        choices=[("yes", pgettext_lazy("violation", "Upheld")), ("no", _("Not upheld"))],
        initial="yes",
        widget=forms.RadioSelect,
    )
    sanction = forms.ChoiceField(
        label=_("Decided sanction"),
        choices=Sanction.choices,
        required=False,
        widget=forms.Select(attrs={"data-fine-toggle": "id_amount"}),
    )
    amount = forms.DecimalField(
        label=_("Amount of the fine or deduction (CNY)"), required=False, min_value=0, decimal_places=2
    )
    note = forms.CharField(
        label=_("Reasons for the decision"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, offered=None, **kwargs):
        """`offered`: the sanctions the company allows (a fine only where SUPERVISION_FINES_ENABLED)."""
        super().__init__(*args, **kwargs)
        if offered is not None:
            self.fields["sanction"].choices = [(v, label) for v, label in Sanction.choices if v in offered]


class AppealForm(forms.Form):
    text = forms.CharField(label=_("Why you appeal"), widget=forms.Textarea(attrs={"rows": 3}))


class AppealAnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Answer"), choices=AppealAnswer.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


# --- policy ------------------------------------------------------------------------------------------
class PolicyNewForm(forms.Form):
    version = forms.CharField(label=_("New version number"), max_length=20)


class PolicyEditForm(forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    body_zh = forms.CharField(label=_("Text (Chinese)"), widget=forms.Textarea(attrs={"rows": 20}))
    body_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 20}))
    change_summary = forms.CharField(label=_("What changed"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class PolicyStepForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    effective_date = DateField(label=_("Effective from"), widget=DATE, required=False)


class InterpretationForm(forms.Form):
    """HR's interpretation of one article of a published version; the articles come from its text."""

    article = forms.ChoiceField(label=_("Article"))
    body = forms.CharField(label=_("Interpretation"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, articles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = [(ref, f"{ref} · {text}") for ref, text in articles]


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    topic = forms.ChoiceField(label=_("Topic"), choices=SuggestionTopic.choices)
    body = forms.CharField(label=_("Suggestion"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))
    order_number = forms.CharField(
        label=_("Related order number"), max_length=32, required=False, help_text=_("Optional, e.g. SO-2026-000123")
    )


class SuggestionStepForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
