from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .codes import AppealStatus, OutcomeKind, Rule
from .kpis import KPIS
from .quarters import Quarter, recent_quarters
from .services import SchemeLineInput, scheme_validate


def quarter_choices(*, count: int = 8, include_next: bool = False) -> list[tuple[str, str]]:
    upto = Quarter.current().next() if include_next else Quarter.current()
    return [(str(q), str(q)) for q in reversed(recent_quarters(count, upto=upto))]


class RunForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = quarter_choices()
        self.fields["quarter"].initial = str(Quarter.current().previous())

    def clean_quarter(self) -> Quarter:
        return Quarter.parse(self.cleaned_data["quarter"])


class AdjustForm(forms.Form):
    new_score = forms.DecimalField(label=_("New score"), min_value=0, max_value=100, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Reward or penalty"), choices=OutcomeKind.choices)
    amount = forms.DecimalField(
        label=_("Amount (CNY)"),
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        help_text=_("For a bonus or a fine."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    violations = forms.ModelMultipleChoiceField(
        label=_("Violations cited"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, violations=None, **kwargs):
        super().__init__(*args, **kwargs)
        from supervision.models import Violation

        self.fields["violations"].queryset = violations if violations is not None else Violation.objects.none()


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you appeal?"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (AppealStatus.UPHELD, AppealStatus.UPHELD.label),
            (AppealStatus.REJECTED, AppealStatus.REJECTED.label),
        ],
    )
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class SchemeForm(forms.Form):
    """One row per KPI: weight, target, floor, rule and parameter. Validated as a whole (weights sum to 100)
    by the same function the service uses."""

    quarter = forms.ChoiceField(label=_("In force from"))
    note = forms.CharField(label=_("What changed and why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, initial_lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = quarter_choices(count=4, include_next=True)
        self.fields["quarter"].initial = str(Quarter.current())
        by_code = {line.kpi: line for line in (initial_lines or [])}
        self.kpi_rows = []
        for kpi in KPIS:
            line = by_code.get(kpi.code)
            prefix = f"{kpi.code}__"
            self.fields[prefix + "weight"] = forms.IntegerField(
                label=_("Weight"),
                min_value=0,
                max_value=100,
                # A KPI added after the scheme was saved starts at 0 so the saved weights still add up.
                initial=line.weight if line else (0 if by_code else kpi.default.weight),
                widget=forms.NumberInput(attrs={"class": "weight", "data-weight": "1"}),
            )
            self.fields[prefix + "target"] = forms.DecimalField(
                label=_("Target"), initial=line.target if line else kpi.default.target, decimal_places=4
            )
            self.fields[prefix + "floor"] = forms.DecimalField(
                label=_("Floor"), initial=line.floor if line else kpi.default.floor, decimal_places=4
            )
            self.fields[prefix + "rule"] = forms.ChoiceField(
                label=_("Rule"), choices=Rule.choices, initial=line.rule if line else kpi.default.rule
            )
            self.fields[prefix + "param"] = forms.DecimalField(
                label=_("Parameter"),
                required=False,
                decimal_places=4,
                initial=line.param if line else kpi.default.param,
            )
            self.kpi_rows.append(
                {"kpi": kpi, "fields": [self[prefix + n] for n in ("weight", "target", "floor", "rule", "param")]}
            )

    def lines(self) -> list[SchemeLineInput]:
        data = self.cleaned_data
        return [
            SchemeLineInput(
                kpi=kpi.code,
                weight=data.get(f"{kpi.code}__weight"),
                target=data.get(f"{kpi.code}__target"),
                floor=data.get(f"{kpi.code}__floor"),
                rule=data.get(f"{kpi.code}__rule"),
                param=data.get(f"{kpi.code}__param"),
            )
            for kpi in KPIS
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for problem in scheme_validate(self.lines()):
                self.add_error(None, problem)
            cleaned["quarter"] = Quarter.parse(cleaned["quarter"])
        return cleaned


class RatingForm(forms.Form):
    """The supervisor's quarterly rating of one merchandiser (policy 5.1.2)."""

    RATINGS = [
        (5, _("5 — excellent")),
        (4, _("4 — good")),
        (3, _("3 — as expected")),
        (2, _("2 — needs improvement")),
        (1, _("1 — unsatisfactory")),
    ]
    rating = forms.TypedChoiceField(label=_("Rating"), choices=RATINGS, coerce=int)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))
