"""The applicant log as CSV or XLSX: the template and an all-or-nothing, row-by-row validated
import.

Plain Python. ``parse_applicants`` returns either the rows ready to save or every problem found,
each naming the row (as a spreadsheet shows it, header = row 1) and the column. Headers and codes
are read without regard to case or surrounding spaces ("Applied On", " Email ").
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from portal.cases.model import APPLICANT_STATUSES, CHANNELS, REASON_CODES
from portal.limits import RECORD_FIRST, RECORD_LAST, record_date_in_range
from portal.recruitment.consistency import applicant_problems
from portal.spreadsheets import SheetProblem, normalise, read_records

COLUMNS = (
    "name",
    "status",
    "source",
    "channel",
    "applied_on",
    "resume_downloaded_on",
    "interviewed_on",
    "offered",
    "hired",
    "reason_code",
    "reason_detail",
)
REQUIRED = ("name", "status", "applied_on")
MAX_ROWS = 10_000
_TRUE = {"yes", "y", "true", "1", "oui", "x"}
_FALSE = {"no", "n", "false", "0", "non", ""}


# One kind of problem for every import, CSV or XLSX (the old name kept for its importers).
CsvProblem = SheetProblem


@dataclass(frozen=True)
class ApplicantRow:
    name: str
    status: str
    source: str | None
    channel: str | None
    applied_on: date
    resume_downloaded_on: date | None
    interviewed_on: date | None
    offered: bool | None
    hired: bool | None
    reason_code: str | None
    reason_detail: str | None


# The template's example row shows every column filled in; importing it unchanged is refused,
# so a forgotten example never lands in the applicant log.
EXAMPLE_NAME = "Example Applicant (delete this row)"
EXAMPLE_ROW = {
    "name": EXAMPLE_NAME,
    "status": "citizen",
    "source": "A1",
    "channel": "email",
    "applied_on": "2026-03-05",
    "resume_downloaded_on": "",
    "interviewed_on": "2026-03-09",
    "offered": "no",
    "hired": "no",
    "reason_code": "lacks_experience",
    "reason_detail": "The job asks for 2 years as a line cook; the applicant has 6 months.",
}


def template_csv() -> str:
    """The header row and one example row (one applicant per row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerow(EXAMPLE_ROW[name] for name in COLUMNS)
    return buffer.getvalue()


def _date(value: str):
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f'not a date in the form YYYY-MM-DD ("{value}")') from None
    if not record_date_in_range(day):
        raise ValueError(f"{day} is outside {RECORD_FIRST} to {RECORD_LAST}")
    return day


def _choice(allowed):
    def parse(value: str):
        code = normalise(value)
        if code not in allowed:
            raise ValueError(f'"{value}" is not one of: {", ".join(allowed)}')
        return code

    return parse


def _boolean(value: str):
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f'"{value}" is not yes or no')


_PARSERS = {
    "status": _choice(APPLICANT_STATUSES),
    "channel": _choice(CHANNELS),
    "applied_on": _date,
    "resume_downloaded_on": _date,
    "interviewed_on": _date,
    "offered": _boolean,
    "hired": _boolean,
    "reason_code": _choice(REASON_CODES),
}


def parse_applicants(
    raw: bytes, activity_keys: set[str]
) -> tuple[list[ApplicantRow], list[CsvProblem]]:
    """Validate the whole file, CSV or XLSX (told apart by content); return (rows, []) when all
    is well, else ([], problems)."""
    records, problems = read_records(
        raw, COLUMNS, REQUIRED, MAX_ROWS, "applicants", "the applicant log"
    )
    if problems:
        return [], problems
    by_upper_key = {key.upper(): key for key in activity_keys}
    rows: list[ApplicantRow] = []
    for number, values in records:
        parsed = {}
        for name in COLUMNS:
            value = values[name]
            if not value:
                if name in REQUIRED:
                    problems.append(CsvProblem(number, name, "required"))
                parsed[name] = None
                continue
            try:
                parsed[name] = _PARSERS.get(name, str)(value)
            except ValueError as error:
                problems.append(CsvProblem(number, name, str(error)))
        if parsed.get("source"):  # "a1" names activity A1
            parsed["source"] = by_upper_key.get(parsed["source"].upper(), parsed["source"])
        if parsed.get("source") and parsed["source"] not in activity_keys:
            problems.append(
                CsvProblem(
                    number,
                    "source",
                    f'no recruitment activity "{parsed["source"]}"; use one of: '
                    + (", ".join(sorted(activity_keys)) or "(record the activities first)"),
                )
            )
        if parsed.get("reason_code") == "other" and not parsed.get("reason_detail"):
            problems.append(CsvProblem(number, "reason_detail", "explain the 'other' reason"))
        for column, message in applicant_problems(
            parsed.get("applied_on"),
            parsed.get("interviewed_on"),
            parsed.get("offered"),
            parsed.get("hired"),
            parsed.get("resume_downloaded_on"),
        ).items():
            problems.append(CsvProblem(number, column, message))
        if parsed.get("name") == EXAMPLE_NAME:
            problems.append(
                CsvProblem(number, "name", "this is the template's example row: delete it")
            )
        if len(parsed.get("name") or "") > 200:
            problems.append(CsvProblem(number, "name", "longer than 200 characters"))
        if not problems:
            rows.append(ApplicantRow(**parsed))
    if problems:
        return [], problems
    return rows, []
