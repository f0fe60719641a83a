"""The timeline for a phone (issue 7, U7): the drawn layout as percentages of the span, one row
per activity with its full name and dates in words. The SVG's layout itself is unchanged."""

from portal.recruitment.timeline import WIDTH, Bar, Mark, Timeline, for_phone

LEFT = 170
PLOT = WIDTH - LEFT - 10


def _x(percent: float) -> float:
    return LEFT + PLOT * percent / 100


def _timeline(bars, marks=()):
    return Timeline(
        width=WIDTH,
        height=100,
        label_width=LEFT,
        window_x=_x(25),
        window_width=_x(90) - _x(25),
        window_title="3-month window 2026-10-15 to 2027-01-14",
        bars=list(bars),
        marks=list(marks),
    )


def test_rows_keep_the_drawn_positions_as_percentages_and_the_full_name():
    long_name = "A3 · Newcomer Centre job fair with a long name"
    bars = [
        Bar(
            "A1 · Job Bank",
            _x(10),
            _x(60) - _x(10),
            40,
            True,
            _x(30),
            False,
            "A1: 2026-10-09 to still running",
            "A1 · Job Bank",
        ),
        Bar(long_name[:28], _x(40), 0, 70, False, None, True, "A3: event on 2026-10-29", long_name),
    ]
    phone = for_phone(_timeline(bars, [Mark("D", _x(90), "submission", "Submission date")]))
    assert (phone.window_start, phone.window_width) == (25, 65)
    first, event = phone.rows
    assert (first.label, first.when, first.start, first.width) == (
        "A1 · Job Bank",
        "2026-10-09 to still running",
        10,
        50,
    )
    assert first.running and first.minimum == 30
    assert event.label == long_name and event.when == "event on 2026-10-29"
    assert event.is_event and event.width > 0  # an event still shows as a thin mark
    assert [(mark.label, x) for mark, x in phone.marks] == [("D", 90)]


def test_positions_stay_inside_the_bar():
    bars = [Bar("A1", _x(-5), _x(120) - _x(-5), 40, False, None, False, "A1: a to b")]
    row = for_phone(_timeline(bars)).rows[0]
    assert row.start == 0 and row.start + row.width <= 100
    assert row.label == "A1"  # a bar without a full name keeps its label
