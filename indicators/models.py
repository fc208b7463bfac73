"""What is measured, and the quarterly submissions of it.

Rules about one object are methods here; reads over many are QuerySet methods; workflow
transitions live in `indicators/workflow.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from portal.models import Area, Organisation

from .figures import Target
from .quarters import FinancialYear, Quarter, british_date, period_label


class RAG(models.TextChoices):
    RED = "R", "Red"
    AMBER = "A", "Amber"
    GREEN = "G", "Green"
    NOT_APPLICABLE = "n/a", "Not applicable"


class Direction(models.TextChoices):
    IMPROVING = "improving", "Improving"
    STABLE = "stable", "Stable"
    WORSENING = "worsening", "Worsening"
    # Used for indicators with no polarity: the figure moved, but that is no judgement.
    UP = "up", "Increasing"
    DOWN = "down", "Decreasing"

    @property
    def arrow(self) -> str:
        return {
            "improving": "↑",
            "stable": "→",
            "worsening": "↓",
            "up": "↑",
            "down": "↓",
        }[self.value]


class ComparisonBand(models.TextChoices):
    TOP = "Top", "Top"
    AVERAGE = "Average", "Average"
    BOTTOM = "Bottom", "Bottom"


class Outcome(models.Model):
    """A priority of the partnership's plan ("Ongoing reductions in crime")."""

    class RollUp(models.TextChoices):
        MAJORITY = "majority", "Most common RAG of its indicators; a tie goes to the worse"
        WORST = "worst", "Worst RAG of its indicators"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    rollup_rule = models.CharField(
        "overall RAG rule", max_length=20, choices=RollUp.choices, default=RollUp.MAJORITY
    )
    display_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_order", "title"]

    def __str__(self) -> str:
        return self.title


class ComparatorGroup(models.Model):
    """A benchmarking group (e.g. iQuanta most similar group); groups are revised over time."""

    name = models.CharField(max_length=200)
    source = models.CharField(max_length=200, help_text='e.g. "iQuanta most similar group"')
    as_at = models.DateField("as at", help_text="The date this membership was published.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "-as_at"]

    def __str__(self) -> str:
        return f"{self.name} (as at {british_date(self.as_at)})"


class ComparatorMember(models.Model):
    group = models.ForeignKey(ComparatorGroup, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200)
    is_self = models.BooleanField(
        default=False, help_text="This partnership's own entry in the group."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="comparator_member_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A supporting indicator: its definition and how its figure is formed and judged."""

    class Unit(models.TextChoices):
        COUNT = "count", "Count"
        PERCENTAGE = "percentage", "Percentage"
        RATE_PER_1000 = "rate_per_1000", "Rate per 1,000 population"
        RATIO = "ratio", "Ratio or other value"

    class Formula(models.TextChoices):
        DIRECT = "direct", "Direct value (entered as the figure, e.g. a survey result)"
        COUNT = "count", "Count"
        PERCENTAGE = "percentage", "Percentage from numerator and denominator"
        RATE_PER_1000 = "rate_per_1000", "Count per 1,000 population"

    class Aggregation(models.TextChoices):
        SUM_OF_QUARTERS = "sum", "Rolling 12 months: the sum of the last four quarters"
        LATEST = "latest", "Latest value stands (annual or lagged figures)"

    class Polarity(models.TextChoices):
        HIGHER_IS_BETTER = "higher", "Higher is better"
        LOWER_IS_BETTER = "lower", "Lower is better"
        NO_JUDGEMENT = "none", "No judgement"

    class RagMethod(models.TextChoices):
        TARGET = "target", "Target with tolerance"
        CONTEXTUAL = "contextual", "Contextual: no RAG"
        JUDGEMENT = "judgement", "Approver's judgement"

    class DirectionBasis(models.TextChoices):
        PREVIOUS_QUARTER = "previous_quarter", "Against the previous quarter's figure"
        SAME_QUARTER_LAST_YEAR = "same_quarter_last_year", "Against the same quarter last year"
        PREVIOUS_YEAR = "previous_year", "Against the previous financial year"

    code = models.SlugField(max_length=40, unique=True, help_text="Short code, e.g. crime-total.")
    title = models.CharField(max_length=400)
    definition = models.TextField(blank=True)
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="indicators")
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="indicators",
        help_text="The partner that submits this indicator's figures.",
    )
    areas = models.ManyToManyField(
        Area, related_name="indicators", help_text="Areas this indicator is reported for."
    )
    unit = models.CharField(max_length=20, choices=Unit.choices)
    formula = models.CharField("how the figure is formed", max_length=20, choices=Formula.choices)
    aggregation = models.CharField(
        "how quarters combine", max_length=10, choices=Aggregation.choices
    )
    numerator_label = models.CharField(
        max_length=200, blank=True, help_text='What the count or numerator counts, e.g. "crimes".'
    )
    denominator_label = models.CharField(max_length=200, blank=True)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    decimal_places = models.PositiveSmallIntegerField(default=0)
    rag_method = models.CharField("RAG method", max_length=20, choices=RagMethod.choices)
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    target_tolerance = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="How far from target, in the indicator's unit, still counts as amber.",
    )
    direction_basis = models.CharField(
        max_length=30, choices=DirectionBasis.choices, default=DirectionBasis.PREVIOUS_YEAR
    )
    stable_band = models.DecimalField(
        "stable band (%)",
        max_digits=6,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[MinValueValidator(0)],
        help_text="A change smaller than this percentage of the earlier figure is stable (→).",
    )
    swing_threshold = models.DecimalField(
        "swing warning (%)",
        max_digits=6,
        decimal_places=2,
        default=Decimal("25.00"),
        validators=[MinValueValidator(0)],
        help_text="A change against the previous quarter larger than this needs commentary.",
    )
    comparator_group = models.ForeignKey(
        ComparatorGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["outcome__display_order", "display_order", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decimal_places__lte=4), name="indicator_decimal_places_at_most_4"
            ),
            models.CheckConstraint(
                condition=~Q(formula="percentage") | Q(unit="percentage"),
                name="percentage_formula_gives_percentage",
            ),
            models.CheckConstraint(
                condition=~Q(formula="rate_per_1000") | Q(unit="rate_per_1000"),
                name="rate_formula_gives_rate",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.formula == self.Formula.PERCENTAGE and self.unit != self.Unit.PERCENTAGE:
            raise ValidationError({"unit": "A percentage formula gives a percentage."})
        if self.formula == self.Formula.RATE_PER_1000 and self.unit != self.Unit.RATE_PER_1000:
            raise ValidationError({"unit": "A rate formula gives a rate per 1,000 population."})

    @property
    def is_contextual(self) -> bool:
        return self.rag_method == self.RagMethod.CONTEXTUAL

    @property
    def needs_numerator(self) -> bool:
        return self.formula != self.Formula.DIRECT

    @property
    def needs_denominator(self) -> bool:
        return self.formula == self.Formula.PERCENTAGE

    def target_for(
        self, year: int, targets: Iterable[IndicatorTarget] | None = None
    ) -> Target | None:
        """The target for the financial year starting in `year`, or None: no target set.

        A target set for the year wins; otherwise the standing target, on the side the
        polarity gives. Pass `targets` (e.g. prefetched) to avoid a query per indicator.
        """
        pool = self.targets.all() if targets is None else targets
        for target in pool:
            if target.indicator_id == self.pk and target.year == year:
                return target.as_target()
        if self.target is None:
            return None
        low = self.target if self.polarity != self.Polarity.LOWER_IS_BETTER else None
        high = self.target if self.polarity != self.Polarity.HIGHER_IS_BETTER else None
        return Target(low=low, high=high, tolerance=self.target_tolerance, source_year=None)

    def validate_figures(
        self,
        value: Decimal | None,
        numerator: Decimal | None,
        denominator: Decimal | None,
        is_nil_return: bool = False,
        status: str = "figure",
    ) -> dict[str, str]:
        """Check raw figures against the unit; returns {field: message}, empty when fine.

        A status other than a figure ("not yet available", "no new data published") must
        come without figures, so a number is never half-meant.
        """
        errors: dict[str, str] = {}
        if status != Submission.Status.FIGURE:
            label = Submission.Status(status).label.lower()
            if is_nil_return:
                errors["is_nil_return"] = f"A nil return is a figure: it cannot be “{label}”."
            for name, given in (
                ("value", value),
                ("numerator", numerator),
                ("denominator", denominator),
            ):
                if given is not None:
                    errors[name] = f"Leave this empty when the figure is “{label}”."
            return errors
        if is_nil_return:
            return errors
        if self.formula == self.Formula.DIRECT:
            if value is None:
                errors["value"] = "Enter the figure."
            elif self.unit == self.Unit.PERCENTAGE and not (0 <= value <= 100):
                errors["value"] = "A percentage must be between 0 and 100."
            elif self.unit == self.Unit.COUNT and (value < 0 or value != value.to_integral()):
                errors["value"] = "A count must be a whole number, 0 or more."
            elif value < 0:
                errors["value"] = "The figure cannot be negative."
            return errors
        if numerator is None:
            errors["numerator"] = f"Enter the {self.numerator_label or 'count'}."
        elif numerator < 0 or numerator != numerator.to_integral():
            errors["numerator"] = "A count must be a whole number, 0 or more."
        if self.needs_denominator:
            if denominator is None:
                errors["denominator"] = f"Enter the {self.denominator_label or 'denominator'}."
            elif denominator <= 0:
                errors["denominator"] = "The denominator must be more than 0."
            elif numerator is not None and numerator > denominator:
                errors["numerator"] = "The numerator cannot be more than the denominator."
        return errors


class DefinitionChange(models.Model):
    """A change of definition or recording practice: a break in the indicator's series."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="definition_changes"
    )
    effective_from = models.DateField(help_text="Figures from this date are on the new basis.")
    description = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "effective_from"], name="one_break_per_indicator_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: break from {british_date(self.effective_from)}"


class IndicatorTarget(models.Model):
    """The target for one financial year: "≤ 47.0", "≥ 80%" or a range "25–35%".

    When a year has none, the indicator's standing target applies (`Indicator.target_for`).
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(
        help_text="Calendar year the financial year starts in: 2016 for 2016/17."
    )
    low = models.DecimalField(
        "at least",
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Green at or above this. Leave empty for no lower bound.",
    )
    high = models.DecimalField(
        "at most",
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Green at or below this. Leave empty for no upper bound.",
    )
    tolerance = models.DecimalField(
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="How far outside the target, in the indicator's unit, still counts as amber.",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="one_target_per_indicator_year",
                violation_error_message="This indicator already has a target for that year.",
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=False) | Q(high__isnull=False),
                name="target_has_a_bound",
                violation_error_message="Give at least one bound: “at least” or “at most”.",
            ),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(low__lte=F("high")),
                name="target_range_in_order",
                violation_error_message="“At least” cannot be more than “at most”.",
            ),
            models.CheckConstraint(
                condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0),
                name="target_tolerance_not_negative",
                violation_error_message="The tolerance cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {FinancialYear(self.year).label}"

    def clean(self) -> None:
        if self.low is None and self.high is None:
            raise ValidationError("Give at least one bound: “at least” or “at most”.")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValidationError({"high": "“At most” cannot be less than “at least”."})

    def as_target(self) -> Target:
        return Target(low=self.low, high=self.high, tolerance=self.tolerance, source_year=self.year)


class ReportingPeriodQuerySet(models.QuerySet):
    def for_quarter(self, quarter: Quarter):
        return self.filter(year=quarter.year, quarter=quarter.number)

    def get_by_code(self, code: str) -> ReportingPeriod:
        """Look a period up by '2016/17-Q2'; raises DoesNotExist for a bad or unknown code."""
        try:
            quarter = Quarter.from_code(code)
        except ValueError as exc:
            raise self.model.DoesNotExist(str(exc)) from exc
        return self.get(year=quarter.year, quarter=quarter.number)

    def open_for_entry(self, today: dt.date | None = None):
        today = today or timezone.localdate()
        return self.filter(opens_on__lte=today, closed_at__isnull=True).filter(
            Q(closes_on__isnull=True) | Q(closes_on__gte=today)
        )


class ReportingPeriod(models.Model):
    """A financial-year quarter that figures are collected for."""

    year = models.PositiveSmallIntegerField(
        help_text="Calendar year the financial year starts in: 2016 for 2016/17."
    )
    quarter = models.PositiveSmallIntegerField(choices=[(n, f"Q{n}") for n in (1, 2, 3, 4)])
    opens_on = models.DateField(help_text="Partners can enter figures from this date.")
    deadline = models.DateField(help_text="Figures are due by the end of this day (UK time).")
    closes_on = models.DateField(
        null=True, blank=True, help_text="Entry closes after this day, if not closed earlier."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the quarter's dashboard is first published."
    )

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="one_period_per_quarter"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_is_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("opens_on")), name="deadline_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=F("deadline")),
                name="closes_after_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.as_quarter.label

    @property
    def as_quarter(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def code(self) -> str:
        return self.as_quarter.code

    @property
    def label(self) -> str:
        return self.as_quarter.label

    @property
    def short_label(self) -> str:
        return self.as_quarter.short_label

    @property
    def start(self) -> dt.date:
        return self.as_quarter.start

    @property
    def end(self) -> dt.date:
        return self.as_quarter.end

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def is_closed(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.closed_at is not None or (self.closes_on is not None and today > self.closes_on)

    def is_open(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today and not self.is_closed(today)

    def deadline_passed(self, now: dt.datetime | None = None) -> bool:
        """Deadlines end at the close of the day in UK time."""
        now = now or timezone.now()
        return timezone.localtime(now).date() > self.deadline

    def days_to_deadline(self, today: dt.date | None = None) -> int:
        today = today or timezone.localdate()
        return (self.deadline - today).days


class SubmissionQuerySet(models.QuerySet):
    def current(self):
        """The working version of each indicator × area × period."""
        return self.filter(is_current=True)

    def approved(self):
        """The latest approved version of each indicator × area × period: what dashboards use."""
        return self.filter(is_latest_approved=True)

    def approved_for(self, periods, areas=None):
        qs = self.approved().filter(period__in=periods)
        if areas is not None:
            qs = qs.filter(area__in=areas)
        return qs

    def for_organisations(self, organisation_ids):
        return self.filter(indicator__owner_id__in=organisation_ids)

    def unfinished_in(self, period):
        """The quarter's figures not approved yet (drafts, submitted, returned), in the order
        people read them: what publishing would leave out and closing would freeze."""
        return (
            self.current()
            .filter(period=period)
            .exclude(state=Submission.State.APPROVED)
            .select_related("indicator", "indicator__owner", "area")
            .order_by("indicator__owner__name", "indicator__display_order", "area__display_order")
        )


class Submission(models.Model):
    """One version of the figure for an indicator × area × quarter.

    A correction of an approved figure is a new version; the old one stays on record and on
    dashboards (`is_latest_approved`) until the new one is approved. `row_version` is bumped
    on every save through the workflow so a stale form cannot overwrite a newer edit.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        APPROVED = "approved", "Approved"

    class Status(models.TextChoices):
        """Whether the submission carries a figure, or says why it does not."""

        FIGURE = "figure", "Figure supplied"
        NOT_YET_AVAILABLE = "not_yet_available", "Not yet available"
        NO_NEW_DATA = "no_new_data", "No new data published"

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="submissions")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="submissions")
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="submissions"
    )
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True, editable=False)
    is_latest_approved = models.BooleanField(default=False, editable=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    row_version = models.PositiveIntegerField(default=1, editable=False)

    status = models.CharField(
        "data status",
        max_length=20,
        choices=Status.choices,
        default=Status.FIGURE,
        help_text="A figure, or why there is none this quarter.",
    )
    # The figures. Direct indicators use `value`; counts and rates put the count in
    # `numerator`; percentages use numerator and denominator.
    value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    is_nil_return = models.BooleanField(
        "nil return", default=False, help_text="Confirmed zero: not the same as missing."
    )

    # What the figure covers, when it is not the quarter itself (lagged or annual data).
    covered_start = models.DateField(null=True, blank=True)
    covered_end = models.DateField(null=True, blank=True)
    covered_label = models.CharField(
        max_length=60, blank=True, help_text='Shown beside the figure, e.g. "Apr-Dec 2015".'
    )

    is_provisional = models.BooleanField("provisional", default=False)
    is_estimated = models.BooleanField("estimated", default=False)
    footnote = models.TextField(blank=True, max_length=2000)
    commentary = models.TextField(blank=True, max_length=10000)

    # Comparisons entered with the submission. "-" (not benchmarked) is a flag; blank is
    # no data. A rank is "3/9"; a band is Top / Average / Bottom.
    nn_rank = models.PositiveSmallIntegerField("nearest neighbour rank", null=True, blank=True)
    nn_of = models.PositiveSmallIntegerField("nearest neighbour group size", null=True, blank=True)
    nn_band = models.CharField(max_length=10, choices=ComparisonBand.choices, blank=True)
    nn_not_benchmarked = models.BooleanField(default=False)
    county_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    county_of = models.PositiveSmallIntegerField(null=True, blank=True)
    county_band = models.CharField(max_length=10, choices=ComparisonBand.choices, blank=True)
    county_not_benchmarked = models.BooleanField(default=False)
    district_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    district_of = models.PositiveSmallIntegerField(null=True, blank=True)
    district_band = models.CharField(max_length=10, choices=ComparisonBand.choices, blank=True)
    district_not_benchmarked = models.BooleanField(default=False)

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["period", "indicator", "area", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period", "version"],
                name="one_submission_per_version",
            ),
            models.UniqueConstraint(
                fields=["indicator", "area", "period"],
                condition=Q(is_current=True),
                name="one_current_submission",
                violation_error_message=(
                    "There is already a current submission for this indicator, area and quarter."
                ),
            ),
            models.UniqueConstraint(
                fields=["indicator", "area", "period"],
                condition=Q(is_latest_approved=True),
                name="one_latest_approved_submission",
            ),
            models.CheckConstraint(
                condition=~Q(is_latest_approved=True) | Q(state="approved"),
                name="latest_approved_is_approved",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="version_from_1"),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(numerator__gte=0),
                name="numerator_not_negative",
                violation_error_message="A count or numerator cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="denominator_positive",
                violation_error_message="A denominator must be more than 0.",
            ),
            models.CheckConstraint(
                condition=Q(is_nil_return=False)
                | (
                    (Q(value__isnull=True) | Q(value=0))
                    & (Q(numerator__isnull=True) | Q(numerator=0))
                ),
                name="nil_return_is_zero",
                violation_error_message="A nil return cannot carry a figure other than 0.",
            ),
            models.CheckConstraint(
                condition=Q(status="figure")
                | Q(
                    value__isnull=True,
                    numerator__isnull=True,
                    denominator__isnull=True,
                    is_nil_return=False,
                ),
                name="no_figure_without_figure_status",
                violation_error_message=(
                    "A submission that is not yet available or has no new data carries no figure."
                ),
            ),
            models.CheckConstraint(
                condition=Q(covered_start__isnull=True)
                | Q(covered_end__isnull=True)
                | Q(covered_end__gte=F("covered_start")),
                name="covered_period_in_order",
                violation_error_message="The covered period must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(nn_rank__isnull=True)
                | Q(nn_of__isnull=True)
                | Q(nn_rank__lte=F("nn_of")),
                name="nn_rank_within_group",
                violation_error_message="A nearest-neighbour rank cannot exceed the group size.",
            ),
            models.CheckConstraint(
                condition=Q(county_rank__isnull=True)
                | Q(county_of__isnull=True)
                | Q(county_rank__lte=F("county_of")),
                name="county_rank_within_group",
                violation_error_message="A county rank cannot exceed the number compared.",
            ),
            models.CheckConstraint(
                condition=Q(district_rank__isnull=True)
                | Q(district_of__isnull=True)
                | Q(district_rank__lte=F("district_of")),
                name="district_rank_within_group",
                violation_error_message="A district rank cannot exceed the number of districts.",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "state"], name="submission_period_state"),
            # Reads that must not grow with history (issue 11): dashboards and the committee
            # index by quarter and area, a quarter's current figures, open corrections.
            models.Index(
                fields=["period", "area"],
                condition=Q(is_latest_approved=True),
                name="submission_approved_period",
            ),
            models.Index(
                fields=["period", "indicator"],
                condition=Q(is_current=True),
                name="submission_current_period",
            ),
            models.Index(
                fields=["indicator"],
                condition=Q(is_current=True, version__gt=1, state__in=["draft", "returned"]),
                name="submission_open_correction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.area} · {self.period.code} v{self.version}"

    def clean(self) -> None:
        """Unit rules the database cannot see: a percentage within 0–100, whole counts.

        A submission whose status is not a figure must carry no figure at all.
        """
        errors = self.indicator.validate_figures(
            self.value, self.numerator, self.denominator, self.is_nil_return, self.status
        )
        if errors:
            raise ValidationError(errors)

    # Presentation helpers used by views, imports and reports alike.

    @property
    def covers_quarter(self) -> bool:
        return not (self.covered_start or self.covered_end or self.covered_label)

    @property
    def covered_display(self) -> str:
        if self.covered_label:
            return self.covered_label
        if self.covered_start and self.covered_end:
            return period_label(self.covered_start, self.covered_end)
        return self.period.as_quarter.months

    def comparison_display(self, prefix: str) -> str:
        """'3/9', 'Top', '-' (not benchmarked) or '' (no data) for nn / county / district."""
        if getattr(self, f"{prefix}_not_benchmarked"):
            return "-"
        rank, of = getattr(self, f"{prefix}_rank"), getattr(self, f"{prefix}_of")
        if rank is not None and of is not None:
            return f"{rank}/{of}"
        return getattr(self, f"{prefix}_band") or ""

    @property
    def is_locked_for_edit(self) -> bool:
        return self.state in (self.State.SUBMITTED, self.State.APPROVED)


class SubmissionEvent(models.Model):
    """An audit row: every transition and every edit, with actor, time and comment."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        SAVED = "saved", "Saved as draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        RETURNED = "returned", "Returned"
        APPROVED = "approved", "Approved"
        REOPENED = "reopened", "Reopened for correction"
        IMPORTED = "imported", "Imported"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    comment = models.TextField(blank=True)
    changes = models.JSONField(
        default=dict, blank=True, help_text="Changed fields: {field: [old, new]}."
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["submission", "at"], name="event_submission_at")]

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()} by {self.actor or 'system'} at {self.at:%d %b %Y %H:%M}"
        )


class PeerValue(models.Model):
    """A comparator group member's published figure for an indicator and quarter.

    The partnership's own entry (`ComparatorMember.is_self`) never has one: group measures
    use the partnership's own approved figure for it, so the two cannot disagree.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="peer_values")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(ComparatorMember, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(max_digits=16, decimal_places=4)
    source = models.CharField(
        max_length=200, blank=True, help_text='Where the figure was published, e.g. "iQuanta".'
    )
    as_at = models.DateField("as at", null=True, blank=True, help_text="The date it was taken.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "member"],
                name="one_peer_value_per_quarter",
                violation_error_message="This member already has a value for that quarter.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.value} ({self.indicator.code})"

    def clean(self) -> None:
        """Refuse a value for the partnership itself, or for a member of another group."""
        member = self.member if self.member_id else None
        if member is None:
            return
        if member.is_self:
            raise ValidationError(
                {
                    "member": f"{member.name} is this partnership: its own approved figure is "
                    "used, so it takes no comparator value."
                }
            )
        indicator = self.indicator if self.indicator_id else None
        if indicator is not None and member.group_id != indicator.comparator_group_id:
            raise ValidationError(
                {"member": f"{member.name} is not in the comparator group of {indicator.code}."}
            )


class OverrideQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Override(models.Model):
    """An approver's judgement replacing a computed direction, RAG or outcome RAG."""

    class Kind(models.TextChoices):
        DIRECTION = "direction", "Direction of travel"
        RAG = "rag", "Progress RAG"
        OUTCOME_RAG = "outcome_rag", "Outcome overall RAG"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="overrides"
    )
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.CASCADE, related_name="overrides"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="overrides")
    value = models.CharField(
        max_length=12, help_text="R / A / G / n/a for RAG; improving / stable / worsening."
    )
    reason = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)

    objects = OverrideQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="outcome_rag") & Q(outcome__isnull=False) & Q(indicator__isnull=True)
                )
                | (~Q(kind="outcome_rag") & Q(indicator__isnull=False) & Q(outcome__isnull=True)),
                name="override_targets_one_thing",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="override_has_reason"),
            models.UniqueConstraint(
                fields=["kind", "indicator", "area", "period"],
                condition=Q(is_active=True, indicator__isnull=False),
                name="one_active_indicator_override",
            ),
            models.UniqueConstraint(
                fields=["kind", "outcome", "area", "period"],
                condition=Q(is_active=True, outcome__isnull=False),
                name="one_active_outcome_override",
            ),
        ]

    def __str__(self) -> str:
        target = self.indicator or self.outcome
        return f"{self.get_kind_display()} of {target} set to {self.value}"

    @property
    def value_label(self) -> str:
        """The judgement in words: 'Improving (↑)', 'Amber'."""
        if self.kind == self.Kind.DIRECTION and self.value in Direction.values:
            direction = Direction(self.value)
            return f"{direction.label} ({direction.arrow})"
        return RAG(self.value).label if self.value in RAG.values else self.value

    def clean(self) -> None:
        allowed = (
            {c.value for c in Direction}
            if self.kind == self.Kind.DIRECTION
            else {c.value for c in RAG}
        )
        if self.value not in allowed:
            raise ValidationError({"value": f"Choose one of: {', '.join(sorted(allowed))}."})
        if not (self.reason or "").strip():
            raise ValidationError({"reason": "Give the reason for the override."})


class ReminderLog(models.Model):
    """A reminder or notice sent about one indicator × area × quarter to one person.

    The unique constraints make each reminder go once per submission and stage, whatever
    the number of task runs: a due-soon reminder and an overdue notice once each, a review
    digest once a day.
    """

    class Stage(models.TextChoices):
        DUE_SOON = "due_soon", "Deadline reminder"
        OVERDUE = "overdue", "Overdue notice"
        DIGEST = "digest", "Review digest"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateField(help_text="The UK date the reminder was sent.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period", "stage", "recipient"],
                condition=~Q(stage="digest"),
                name="reminder_once_per_stage",
            ),
            models.UniqueConstraint(
                fields=["indicator", "area", "period", "stage", "recipient", "sent_on"],
                condition=Q(stage="digest"),
                name="digest_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} to {self.recipient} on {british_date(self.sent_on)}"


class ImportBatch(models.Model):
    """An uploaded spreadsheet between upload, preview and confirm (or a historic import).

    The file itself is kept here, in the database, so the preview and the confirm (or the
    Celery task) may run on different workers without temporary files.
    """

    class Kind(models.TextChoices):
        QUARTERLY_RETURN = "return", "Quarterly return"
        HISTORIC = "historic", "Historic approved values"
        ADMIN = "admin", "Admin import file"

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Ready to confirm"
        INVALID = "invalid", "Refused: fix the file and upload it again"
        QUEUED = "queued", "Waiting to run"
        RUNNING = "running", "Running"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed: nothing was saved"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(
        ReportingPeriod, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=255, blank=True)
    file_format = models.CharField(max_length=10, blank=True)
    encoding = models.CharField(
        max_length=20, blank=True, help_text="The text encoding a CSV file was read in."
    )
    content = models.BinaryField(blank=True, default=b"", editable=False)
    rows = models.JSONField(
        default=list, blank=True, help_text="The parsed rows of a quarterly return."
    )
    submit = models.BooleanField(
        default=False, help_text="Submit the figures for review, not just save drafts."
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    row_count = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    plan_digest = models.CharField(max_length=64, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Heartbeat of a historic import: set when queued and when a worker starts it; see
    # `indicators.import_tasks.sweep_stale_imports` for what happens when it goes stale.
    updated_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename} ({self.get_status_display()})"

    @property
    def percent_done(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.APPLIED else 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.APPLIED, self.Status.FAILED, self.Status.INVALID)
