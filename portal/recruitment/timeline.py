"""The recruitment timeline as drawing instructions (plain Python); a Jinja template turns
them into server-rendered SVG, so the picture needs no script and prints.

Each activity is a bar (a posting) or a dot (an event) against the 3-month window before the
submission date D, with the 28-day (14 for agriculture) minimum, the Job Match 30-day mark and
the Direct Apply 21-day review marks.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from portal.cases import Case
from portal.rules.phrase import Joined, phrase

# Month abbreviations of the axis, in the catalogue (a French page reads "janv. 2026").
MONTHS = (
    phrase("Jan"),
    phrase("Feb"),
    phrase("Mar"),
    phrase("Apr"),
    phrase("May"),
    phrase("Jun"),
    phrase("Jul"),
    phrase("Aug"),
    phrase("Sep"),
    phrase("Oct"),
    phrase("Nov"),
    phrase("Dec"),
)

WIDTH = 760
LABEL_WIDTH = 170
ROW_HEIGHT = 30
TOP = 40
JOB_MATCH_DAYS = 30
DIRECT_APPLY_DAYS = 21


@dataclass(frozen=True)
class Bar:
    label: str
    x: float
    width: float
    y: float
    running: bool
    minimum_x: float | None  # where the minimum duration is reached
    is_event: bool
    title: str
    name: str = ""  # the label before it is cut to fit the picture (the phone list shows it)
    when: str = ""  # its dates in words ("2026-11-02 to 2026-11-30", "event on 2026-11-15")


@dataclass(frozen=True)
class Mark:
    label: str
    x: float
    kind: str  # "submission", "job_match", "direct_apply"
    title: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    label_width: int
    window_x: float
    window_width: float
    window_title: str
    bars: list[Bar] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)


def job_match_last_day(job_bank_starts) -> date:
    """The last day of Job Match's first 30 days: the earliest Job Bank posting's start + 29."""
    return min(job_bank_starts) + timedelta(days=JOB_MATCH_DAYS - 1)


def direct_apply_review_by(applied_on: date) -> date:
    """The last day to download a Direct Apply résumé: 21 days after the application."""
    return applied_on + timedelta(days=DIRECT_APPLY_DAYS)


def _full_label(activity) -> str:
    name = activity.platform or activity.method.replace("_", " ")
    return f"{activity.id} · {name}"


def _label(activity) -> str:
    return _full_label(activity)[:28]


def build_timeline(case: Case, as_of: date) -> Timeline | None:
    """Lay out the case's activities; None when there is nothing to draw."""
    activities = [a for a in case.recruitment if a.start or a.date]
    if not activities:
        return None
    d = case.submission_date or as_of
    window_start = d - relativedelta(months=3)
    minimum = 14 if case.position.stream == "agricultural" else 28
    first = min([a.start or a.date for a in activities] + [window_start])
    last = max([a.end or a.date or d for a in activities] + [d]) + timedelta(days=3)
    first -= timedelta(days=3)
    span = max((last - first).days, 1)
    plot = WIDTH - LABEL_WIDTH - 10

    def x(day: date) -> float:
        return round(LABEL_WIDTH + plot * (day - first).days / span, 1)

    bars = []
    for row, activity in enumerate(activities):
        y = TOP + row * ROW_HEIGHT
        if activity.kind == "event":
            when = phrase("event on %(date)s", date=activity.date.isoformat())
            bars.append(
                Bar(
                    _label(activity),
                    x(activity.date),
                    0,
                    y,
                    False,
                    None,
                    True,
                    Joined((activity.id, when), ": "),
                    _full_label(activity),
                    when,
                )
            )
            continue
        end = activity.end or d - timedelta(days=1)
        reached = activity.start + timedelta(days=minimum - 1)
        if activity.end:
            when = phrase(
                "%(start)s to %(end)s",
                start=activity.start.isoformat(),
                end=activity.end.isoformat(),
            )
        else:
            when = phrase("%(start)s to still running", start=activity.start.isoformat())
        bars.append(
            Bar(
                _label(activity),
                x(activity.start),
                max(x(end + timedelta(days=1)) - x(activity.start), 2),
                y,
                activity.end is None,
                x(reached + timedelta(days=1)) if reached <= end else None,
                False,
                Joined((activity.id, when), ": "),
                _full_label(activity),
                when,
            )
        )
    marks = [
        Mark(
            phrase("D"), x(d), "submission", phrase("Submission date %(date)s", date=d.isoformat())
        )
    ]
    job_bank = [a.start for a in activities if a.method == "job_bank" and a.kind == "posting"]
    if job_bank:
        day = job_match_last_day(job_bank)
        marks.append(
            Mark(
                phrase("JM 30"),
                x(day),
                "job_match",
                phrase("Job Match: last day of the first 30 days, %(date)s", date=day.isoformat()),
            )
        )
    review_days = sorted(
        {
            direct_apply_review_by(a.applied_on)
            for a in case.applicants
            if a.channel == "direct_apply" and a.resume_downloaded_on is None
        }
    )
    for day in review_days[:12]:  # a few marks say enough; the findings list every applicant
        marks.append(
            Mark(
                phrase("DA 21"),
                x(day),
                "direct_apply",
                phrase("Direct Apply: résumé review due by %(date)s", date=day.isoformat()),
            )
        )
    ticks = []
    month = date(first.year, first.month, 1) + relativedelta(months=1)
    while month <= last:
        ticks.append((x(month), Joined((MONTHS[month.month - 1], str(month.year)), " ")))
        month += relativedelta(months=1)
    height = TOP + len(activities) * ROW_HEIGHT + 20
    return Timeline(
        width=WIDTH,
        height=height,
        label_width=LABEL_WIDTH,
        window_x=x(window_start),
        window_width=x(d) - x(window_start),
        window_title=phrase(
            "3-month window %(start)s to %(end)s",
            start=window_start.isoformat(),
            end=(d - timedelta(days=1)).isoformat(),
        ),
        bars=bars,
        marks=marks,
        ticks=ticks,
    )


# --- The same timeline as a list, for narrow screens ----------------------------------------


@dataclass(frozen=True)
class PhoneRow:
    """One activity as a phone shows it: its name and dates in words over a full-width bar.

    Positions are percentages of the timeline's span (0-100), so each row's bar lines up with
    the others and with the shaded window whatever the screen's width.
    """

    label: str
    when: str
    start: float
    width: float
    is_event: bool
    running: bool
    minimum: float | None


@dataclass(frozen=True)
class PhoneTimeline:
    window_start: float
    window_width: float
    window_title: str
    rows: list[PhoneRow]
    marks: list[tuple[Mark, float]]


def for_phone(timeline: Timeline) -> PhoneTimeline:
    """The drawn timeline's layout as percentages, one row per activity (the SVG is unchanged)."""
    left = timeline.label_width
    plot = timeline.width - timeline.label_width - 10

    def pct(x: float) -> float:
        return round(min(max((x - left) * 100 / plot, 0), 100), 2)

    rows = [
        PhoneRow(
            label=bar.name or bar.label,
            when=bar.when or bar.title.split(": ", 1)[-1],
            start=pct(bar.x),
            width=max(pct(bar.x + bar.width) - pct(bar.x), 0.8),
            is_event=bar.is_event,
            running=bar.running,
            minimum=None if bar.minimum_x is None else pct(bar.minimum_x),
        )
        for bar in timeline.bars
    ]
    return PhoneTimeline(
        window_start=pct(timeline.window_x),
        window_width=pct(timeline.window_x + timeline.window_width) - pct(timeline.window_x),
        window_title=timeline.window_title,
        rows=rows,
        marks=[(mark, pct(mark.x)) for mark in timeline.marks],
    )
