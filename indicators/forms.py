"""Forms of the workflow. Forms validate and explain; views call the workflow functions.

Numbers are typed as text and parsed here so that each common slip ("1,234", "12%", "abc")
gets a message that says what to type instead.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from .models import RAG, ComparisonBand, Direction, Indicator, Outcome, Override, Submission
from .quarters import Quarter, british_date

COMMENTARY_LIMIT = 10_000
FOOTNOTE_LIMIT = 2_000
REASON_LIMIT = 5_000
# The database keeps 16 digits, 4 of them after the point.
MAX_WHOLE_DIGITS = 12
MAX_DECIMAL_PLACES = 4
DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %b %Y", "%d %B %Y"]


def _limit(limit: int):
    def check(value: str) -> None:
        if len(value) > limit:
            raise ValidationError(
                f"This must be {limit:,} characters or fewer (you entered {len(value):,})."
            )

    return check


class FigureField(forms.CharField):
    """A number as a person types it, with a clear message for each common slip."""

    def __init__(self, *args, whole: bool = False, **kwargs):
        self.whole = whole
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})

    def to_python(self, value) -> Decimal | None:
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        if len(text) > 40:
            raise ValidationError(
                "That number is too large: enter at most 12 digits before the decimal point.",
                code="too_large",
            )
        if "," in text:
            raise ValidationError("Enter the number without commas, like 1234.", code="comma")
        if text.endswith("%"):
            raise ValidationError("Enter the number without the % sign, like 12.5.", code="percent")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise ValidationError("Enter a number, like 47 or 12.5.", code="invalid")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern above rules it out
            raise ValidationError("Enter a number, like 47 or 12.5.", code="invalid") from exc
        if number < 0:
            raise ValidationError("The figure cannot be negative.", code="negative")
        whole_digits = len(str(int(number))) if number >= 1 else 0
        if whole_digits > MAX_WHOLE_DIGITS:
            raise ValidationError(
                "That number is too large: enter at most 12 digits before the decimal point.",
                code="too_large",
            )
        if -number.as_tuple().exponent > MAX_DECIMAL_PLACES:
            raise ValidationError("Enter at most 4 decimal places.", code="decimal_places")
        if self.whole and number != number.to_integral():
            raise ValidationError("Enter a whole number, like 47.", code="whole")
        return number


class BritishDateField(forms.DateField):
    input_formats = DATE_FORMATS

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": "Enter a real date, like 30/09/2016."})
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        return value


class SubmissionForm(forms.Form):
    """The entry form, shaped by the indicator's formula (rule 1)."""

    row_version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.TypedChoiceField(
        label="This quarter",
        choices=Submission.Status.choices,
        widget=forms.RadioSelect,
        required=False,
        empty_value=Submission.Status.FIGURE,
        help_text="When there is no figure yet, say why and leave the figure empty.",
    )
    value = FigureField(label="Figure")
    numerator = FigureField(label="Count", whole=True)
    denominator = FigureField(label="Denominator", whole=True)
    is_nil_return = forms.BooleanField(
        label="Nil return: the figure is a confirmed 0",
        required=False,
        help_text="A nil return is not the same as a missing figure.",
    )
    covered_start = BritishDateField(
        label="Period covered: first day",
        required=False,
        help_text="Leave blank if the figure covers the quarter. For example, 01/04/2015.",
    )
    covered_end = BritishDateField(
        label="Period covered: last day", required=False, help_text="For example, 31/12/2015."
    )
    covered_label = forms.CharField(
        label="Period label shown beside the figure",
        required=False,
        max_length=60,
        help_text='For lagged data, e.g. "Apr-Dec 2015" or "2015-16".',
    )
    is_provisional = forms.BooleanField(label="Provisional", required=False)
    is_estimated = forms.BooleanField(label="Estimated", required=False)
    footnote = forms.CharField(
        label="Footnote",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[_limit(FOOTNOTE_LIMIT)],
        help_text="Printed under the dashboard table.",
    )
    commentary = forms.CharField(
        label="Commentary: the story behind the figure",
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[_limit(COMMENTARY_LIMIT)],
        help_text="What changed, and why. Needed when the figure moves a lot.",
    )
    nn_rank = forms.IntegerField(label="Nearest neighbours: rank", required=False, min_value=1)
    nn_of = forms.IntegerField(label="Nearest neighbours: out of", required=False, min_value=1)
    nn_band = forms.ChoiceField(
        label="Nearest neighbours: band",
        required=False,
        choices=[("", "No band")] + ComparisonBand.choices,
    )
    nn_not_benchmarked = forms.BooleanField(
        label="Nearest neighbours: not benchmarked (-)", required=False
    )
    county_rank = forms.IntegerField(label="County: rank", required=False, min_value=1)
    county_of = forms.IntegerField(label="County: out of", required=False, min_value=1)
    county_band = forms.ChoiceField(
        label="County: band", required=False, choices=[("", "No band")] + ComparisonBand.choices
    )
    county_not_benchmarked = forms.BooleanField(label="County: not benchmarked (-)", required=False)

    FIGURE_FIELDS = ("value", "numerator", "denominator")

    def __init__(self, *args, submission: Submission, **kwargs):
        self.submission = submission
        indicator: Indicator = submission.indicator
        kwargs.setdefault(
            "initial",
            {
                "row_version": submission.row_version,
                **{name: getattr(submission, name) for name in self.editable_names()},
            },
        )
        super().__init__(*args, **kwargs)
        if indicator.formula == Indicator.Formula.DIRECT:
            del self.fields["numerator"], self.fields["denominator"]
            if indicator.unit == Indicator.Unit.PERCENTAGE:
                self.fields["value"].label = "Figure (%)"
                self.fields["value"].help_text = "A percentage from 0 to 100, without the % sign."
            elif indicator.unit == Indicator.Unit.COUNT:
                self.fields["value"].whole = True
        else:
            del self.fields["value"]
            label = indicator.numerator_label or "count"
            self.fields["numerator"].label = f"Number of {label}"
            self.fields["numerator"].help_text = "A whole number, 0 or more, without commas."
            if indicator.formula == Indicator.Formula.PERCENTAGE:
                self.fields[
                    "denominator"
                ].label = f"Out of (number of {indicator.denominator_label or 'cases'})"
                self.fields["denominator"].help_text = "A whole number, more than 0."
            else:
                del self.fields["denominator"]
        if indicator.comparator_group_id is None:
            for name in ("nn_rank", "nn_of", "nn_band", "nn_not_benchmarked"):
                del self.fields[name]

    @classmethod
    def editable_names(cls) -> list[str]:
        return [n for n in cls.base_fields if n != "row_version"]

    def clean(self):
        data = super().clean()
        indicator = self.submission.indicator
        figures = {name: data.get(name) for name in self.FIGURE_FIELDS if name in self.fields}
        if any(name in self.errors for name in figures):
            return data
        nil = data.get("is_nil_return")
        status = data.get("status") or Submission.Status.FIGURE
        if status != Submission.Status.FIGURE:
            errors = indicator.validate_figures(
                figures.get("value"),
                figures.get("numerator"),
                figures.get("denominator"),
                nil,
                status,
            )
            for name, message in errors.items():
                self.add_error(name if name in self.fields else "status", message)
        elif nil:
            if any(v not in (None, Decimal(0)) for k, v in figures.items() if k != "denominator"):
                self.add_error(
                    "is_nil_return",
                    "A nil return is a confirmed 0: clear the figure or untick nil return.",
                )
        else:
            errors = indicator.validate_figures(
                figures.get("value"), figures.get("numerator"), figures.get("denominator")
            )
            for name, message in errors.items():
                # Missing figures may be saved in a draft; submit checks they are there.
                if name in self.fields and data.get(name) is not None:
                    self.add_error(name, message)
        start, end = data.get("covered_start"), data.get("covered_end")
        if start and end and end < start:
            self.add_error("covered_end", "The last day must be on or after the first day.")
        for prefix in ("nn", "county"):
            rank, of = data.get(f"{prefix}_rank"), data.get(f"{prefix}_of")
            if rank is not None and of is not None and rank > of:
                self.add_error(f"{prefix}_rank", "A rank cannot be more than the number compared.")
        return data

    def changes(self) -> dict:
        """The cleaned values of the editable fields shown on this form."""
        return {n: self.cleaned_data[n] for n in self.editable_names() if n in self.fields}

    def missing_figures(self) -> dict[str, str]:
        """Figures a submission needs and this form leaves empty ({field: message})."""
        data = self.cleaned_data
        if data.get("is_nil_return") or data.get("status", "figure") != Submission.Status.FIGURE:
            return {}
        indicator = self.submission.indicator
        errors = indicator.validate_figures(
            data.get("value"), data.get("numerator"), data.get("denominator")
        )
        return {k: v for k, v in errors.items() if k in self.fields}


class ReviewForm(forms.Form):
    row_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[_limit(REASON_LIMIT)],
    )


class ReturnForm(ReviewForm):
    comment = forms.CharField(
        label="Why is it being returned?",
        help_text="The submitter sees this next to the form.",
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[_limit(REASON_LIMIT)],
        error_messages={"required": "Say why the figure is being returned."},
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why does this figure need correcting?",
        help_text="Recorded in the history and sent to the data officer.",
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[_limit(REASON_LIMIT)],
        error_messages={"required": "Say why the figure is being reopened."},
    )


class BulkApproveForm(forms.Form):
    selected = forms.ModelMultipleChoiceField(
        queryset=Submission.objects.none(),
        error_messages={"required": "Select at least one figure to approve."},
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].queryset = queryset


def quarter_choice(quarter: Quarter) -> tuple[str, str]:
    return quarter.code, quarter.label


class OpenQuarterForm(forms.Form):
    quarter = forms.ChoiceField(label="Quarter")
    opens_on = BritishDateField(label="Entry opens on", help_text="For example, 01/01/2017.")
    deadline = BritishDateField(
        label="Deadline", help_text="Figures are due by the end of this day (UK time)."
    )

    def __init__(self, *args, quarters: list[Quarter], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [quarter_choice(q) for q in quarters]

    def clean_quarter(self) -> Quarter:
        return Quarter.from_code(self.cleaned_data["quarter"])

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("deadline") and data["deadline"] < data["opens_on"]:
            self.add_error(
                "deadline",
                f"The deadline must be on or after the day entry opens "
                f"({british_date(data['opens_on'])}).",
            )
        return data


class DeadlineForm(forms.Form):
    deadline = BritishDateField(
        label="New deadline", help_text="Figures are due by the end of this day (UK time)."
    )


class OverrideForm(forms.Form):
    """One form for the three kinds of judgement; `clean` checks they fit together."""

    kind = forms.ChoiceField(label="What to override", choices=Override.Kind.choices)
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.filter(is_active=True),
        required=False,
        label="Indicator (for direction of travel or RAG)",
    )
    outcome = forms.ModelChoiceField(
        queryset=Outcome.objects.filter(is_active=True),
        required=False,
        label="Outcome (for an outcome's overall RAG)",
    )
    area = forms.ModelChoiceField(queryset=None, label="Area")
    value = forms.ChoiceField(
        label="Set to",
        choices=[("", "Choose")]
        + [(c.value, f"RAG: {c.label}") for c in RAG]
        + [(c.value, f"Direction: {c.label} ({c.arrow})") for c in Direction],
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Shown with the override on the committee dashboard.",
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[_limit(REASON_LIMIT)],
        error_messages={"required": "Give the reason for the override."},
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Override.Kind.OUTCOME_RAG:
            if not data.get("outcome"):
                self.add_error("outcome", "Choose the outcome.")
            data["target"] = data.get("outcome")
        elif kind:
            if not data.get("indicator"):
                self.add_error("indicator", "Choose the indicator.")
            data["target"] = data.get("indicator")
        value = data.get("value")
        if kind and value:
            allowed = (
                {c.value for c in Direction}
                if kind == Override.Kind.DIRECTION
                else {c.value for c in RAG}
            )
            if value not in allowed:
                wanted = "a direction" if kind == Override.Kind.DIRECTION else "a RAG rating"
                self.add_error("value", f"Choose {wanted} for this kind of override.")
        return data
