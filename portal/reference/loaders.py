"""Read and validate the labour-market reference CSV files (plain Python: no Flask, no SQL).

Each ``load_*`` function takes a :class:`Source` (the bytes of one file, read once, so what is
validated is exactly what gets installed) and either returns the whole file, typed and checked,
or raises :class:`ReferenceDataError` naming the file, the line and the column of the first
problem. Nothing is ever half-loaded.

A file must have the same columns as the sample packaged in ``portal/reference/data/`` (the
``*_COLUMNS`` tuples below; their order is free). Cells are stripped of surrounding whitespace.
Dates are ``YYYY-MM-DD``; amounts are plain decimals (``28.85``, no sign, no thousands separator)
and become :class:`decimal.Decimal`. Codes stay strings, leading zeros kept.

The record types read from the files (:class:`NocUnitGroup`, :class:`EconomicRegion`,
:class:`WageThreshold`, :class:`CmaListing`, :class:`WageRow`) are defined here and re-exported
by :mod:`portal.reference.labour_market`, which builds the lookups on top of them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Generic, NamedTuple, TypeVar

from portal.reference import PROVINCES

NOC_COLUMNS = (
    "code",
    "title_en",
    "title_fr",
    "teer",
    "broad_category",
    "broad_category_title",
    "major_group",
    "major_group_title",
)
REGION_COLUMNS = (
    "er_code",
    "er_name_en",
    "er_name_fr",
    "jobbank_prov",
    "province_iso",
    "province_name",
    "geo_level",
    "lfs_er_code",
)
# ESDC's 2025 "Wages" open-data file, its 22 columns in the published order and spelling.
WAGE_COLUMNS = (
    "NOC_CNP",
    "NOC_Title_eng",
    "NOC_Title_fra",
    "prov",
    "ER_Code_Code_RE",
    "ER_Name",
    "Nom_RE",
    "Low_Wage_Salaire_Minium",
    "Median_Wage_Salaire_Median",
    "High_Wage_Salaire_Maximal",
    "Average_Wage_Salaire_Moyen",
    "Quartile1_Wage_Salaire_Quartile1",
    "Quartile3_Wage_Salaire_Quartile3",
    "Source2025_NHQ",
    "Data_Source_E",
    "Data_Source_F",
    "Reference_Period",
    "Revision_Date_Date_revision",
    "Annual_Wage_Flag_Salaire_annuel",
    "Wage_Comment_E",
    "Wage_Comment_F",
    "EmployeesWithNonWageBenefit_Pct",
)
THRESHOLD_COLUMNS = (
    "province",
    "effective_from",
    "effective_to",
    "threshold_hourly",
    "basis",
    "source",
)
CMA_COLUMNS = ("period_from", "period_to", "cma", "province", "unemployment_rate", "source")

GEO_LEVELS = ("national", "province", "economic_region", "province_and_economic_region")
# Job Bank leaves the median blank where it cannot publish one; "NA" is accepted as the same.
UNPUBLISHED = frozenset({"", "NA", "N/A"})

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT = re.compile(r"\d+(?:\.\d+)?")
_NOC = re.compile(r"\d{5}")
_JOBBANK_NOC = re.compile(r"NOC_(\d{5})")
_ER_CODE = re.compile(r"ER\d{2}(?:\d{2})?")
# Typographic quotes and the modifier apostrophe compare as the ASCII apostrophe.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})


class ReferenceDataError(ValueError):
    """A reference file that cannot be used, with where the (first) problem is."""

    def __init__(
        self, file: str, problem: str, *, line: int | None = None, column: str | None = None
    ) -> None:
        self.file = file
        self.problem = problem
        self.line = line
        self.column = column
        where = file
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {problem}")


def normalise_name(value: str) -> str:
    """The comparison key of a name (CMA, region, title): see ``portal.rules`` conventions.

    NFKD, combining marks (accents) removed, typographic apostrophes made ASCII, casefolded,
    whitespace and punctuation stripped at both ends; inside, any run of spaces and dashes
    (hyphen, en dash, em dash...) reads as one hyphen ("Belleville – Quinte West" =
    "Belleville-Quinte West" = "Belleville Quinte West"); other inner characters count.
    """
    text = unicodedata.normalize("NFKD", value)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.translate(_APOSTROPHES).casefold()
    start, end = 0, len(text)
    while start < end and _is_edge(text[start]):
        start += 1
    while end > start and _is_edge(text[end - 1]):
        end -= 1
    return join_dashes(text[start:end])


# A run of whitespace and dashes: hyphen-minus, hyphen, non-breaking hyphen, figure dash, en
# dash, em dash, horizontal bar, minus sign, two- and three-em dashes, small and full-width
# hyphen-minus.
_SPACES_AND_DASHES = re.compile(r"[\s\-\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]+")


def join_dashes(text: str) -> str:
    """Each run of spaces and dashes in ``text`` as one hyphen."""
    return _SPACES_AND_DASHES.sub("-", text)


def _is_edge(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith("P")


# Records -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NocUnitGroup:
    """A NOC 2021 V1.0 unit group. ``teer`` is the 2nd digit as an int (0-5)."""

    code: str
    title_en: str
    title_fr: str
    teer: int
    broad_category: str
    major_group: str


@dataclass(frozen=True)
class EconomicRegion:
    """A Job Bank geography: ``level`` is one of GEO_LEVELS; ``province`` ISO, None for Canada."""

    code: str
    name_en: str
    name_fr: str
    province: str | None
    level: str


@dataclass(frozen=True)
class WageThreshold:
    """The high-wage/low-wage threshold for a province; None dates are open ends (inclusive)."""

    province: str
    effective_from: date | None
    effective_to: date | None
    hourly: Decimal
    basis: str
    source: str

    def covers(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True)
class CmaListing:
    """One CMA on ESDC's low-wage refusal-to-process list for an inclusive period.

    ``unemployment_rate`` is None where the source did not give it: being listed is what counts.
    A CMA that spans two provinces (Ottawa-Gatineau) has a row for each.
    """

    period_from: date
    period_to: date
    cma: str
    province: str
    unemployment_rate: Decimal | None
    source: str


class WageRow(NamedTuple):
    """One Job Bank row with a published median, as read (annual rows not yet converted)."""

    noc: str
    er_code: str
    median: Decimal
    annual: bool
    reference_period: str
    revision_date: date
    source: str


T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """The bytes of one CSV file and the name to report it by."""

    name: str
    data: bytes
    path: Path | None = None

    @classmethod
    def read(cls, path: str | PathLike[str]) -> Source:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ReferenceDataError(
                path.name, f"cannot be read ({error.strerror or error})"
            ) from error
        return cls(path.name, data, path)


def as_source(value: Source | str | PathLike[str]) -> Source:
    return value if isinstance(value, Source) else Source.read(value)


@dataclass(frozen=True)
class LoadedFile(Generic[T]):
    """A validated file: ``count`` data rows read, ``rows`` the records kept from them."""

    name: str
    path: Path | None
    digest: str  # sha256 of the file's bytes, hex
    count: int
    rows: tuple[T, ...]


@dataclass(frozen=True)
class RegionsFile(LoadedFile[EconomicRegion]):
    # Job Bank's province code (NAT, NL, PEI, ..., YK, NWT, NU) -> ISO code (None for NAT).
    jobbank_provinces: Mapping[str, str | None]


# Reading -------------------------------------------------------------------------------------


class _Table:
    """A CSV file whose header has been checked against the expected columns."""

    def __init__(self, source: Source, columns: tuple[str, ...]) -> None:
        self.source = source
        self.name = source.name
        try:
            text = source.data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = source.data.count(b"\n", 0, error.start) + 1
            raise ReferenceDataError(
                self.name, f"is not UTF-8 text (byte {error.start})", line=line
            ) from None
        self._reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = next(self._reader, None)
        except csv.Error as error:
            raise ReferenceDataError(self.name, f"is not valid CSV ({error})", line=1) from None
        if not header:
            raise ReferenceDataError(
                self.name, "is empty: the first line must name the columns " + ", ".join(columns)
            )
        names = [name.strip() for name in header]
        for position, name in enumerate(names):
            if name in names[:position]:
                raise ReferenceDataError(
                    self.name, "appears twice in the header", line=1, column=name
                )
        missing = [name for name in columns if name not in names]
        if missing:
            raise ReferenceDataError(
                self.name,
                "is missing from the header (expected columns: " + ", ".join(columns) + ")",
                line=1,
                column=missing[0],
            )
        unexpected = [name for name in names if name not in columns]
        if unexpected:
            raise ReferenceDataError(
                self.name,
                "is not a column of this file (expected columns: " + ", ".join(columns) + ")",
                line=1,
                column=unexpected[0] or f"#{names.index(unexpected[0]) + 1} (no name)",
            )
        self.index = {name: position for position, name in enumerate(names)}
        self.width = len(names)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        """(line where the record starts, cells), skipping empty lines."""
        last = self._reader.line_num
        while True:
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ReferenceDataError(
                    self.name, f"is not valid CSV ({error})", line=self._reader.line_num
                ) from None
            line, last = last + 1, self._reader.line_num
            if not cells:
                continue
            if len(cells) != self.width:
                raise ReferenceDataError(
                    self.name,
                    f"has {len(cells)} values where the header has {self.width} columns",
                    line=line,
                )
            yield line, cells

    def rows(self) -> Iterator[_Row]:
        for line, cells in self:
            yield _Row(self, line, cells)

    def error(self, line: int | None, column: str | None, problem: str) -> ReferenceDataError:
        return ReferenceDataError(self.name, problem, line=line, column=column)

    def loaded(self, count: int, rows: list) -> LoadedFile:
        if count == 0:
            raise self.error(None, None, "has no data rows")
        digest = hashlib.sha256(self.source.data).hexdigest()
        return LoadedFile(self.name, self.source.path, digest, count, tuple(rows))


class _Row:
    __slots__ = ("cells", "line", "table")

    def __init__(self, table: _Table, line: int, cells: list[str]) -> None:
        self.table = table
        self.line = line
        self.cells = cells

    def error(self, column: str | None, problem: str) -> ReferenceDataError:
        return self.table.error(self.line, column, problem)

    def text(self, column: str, *, required: bool = True) -> str:
        value = self.cells[self.table.index[column]].strip()
        if required and not value:
            raise self.error(column, "is empty; a value is required")
        return value

    def date(self, column: str, *, required: bool = True) -> date | None:
        value = self.text(column, required=required)
        return _parse_date(self.table, self.line, column, value) if value else None

    def amount(self, column: str) -> Decimal:
        return _parse_amount(self.table, self.line, column, self.text(column))

    def optional_amount(self, column: str) -> Decimal | None:
        value = self.text(column, required=False)
        return _parse_amount(self.table, self.line, column, value) if value else None

    def province(self, column: str) -> str:
        value = self.text(column)
        if value not in PROVINCES:
            raise self.error(
                column, f"{value!r} is not a province or territory code ({', '.join(PROVINCES)})"
            )
        return value


def _parse_date(table: _Table, line: int, column: str, value: str) -> date:
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise table.error(line, column, f"{value!r} is not a date (YYYY-MM-DD)")


def _parse_amount(table: _Table, line: int, column: str, value: str) -> Decimal:
    if not _AMOUNT.fullmatch(value):
        raise table.error(line, column, f"{value!r} is not an amount like 28.85")
    amount = Decimal(value)
    if not amount:
        raise table.error(line, column, "is zero")
    return amount


# Files ---------------------------------------------------------------------------------------


def load_noc_unit_groups(source: Source | str | PathLike[str]) -> LoadedFile[NocUnitGroup]:
    """``noc2021_unit_groups.csv``: code, titles; TEER, broad category, major group checked."""
    table = _Table(as_source(source), NOC_COLUMNS)
    rows: list[NocUnitGroup] = []
    seen: dict[str, int] = {}
    for row in table.rows():
        code = row.text("code")
        if not _NOC.fullmatch(code):
            raise row.error("code", f"{code!r} is not a 5-digit NOC 2021 code")
        if code in seen:
            raise row.error("code", f"{code} is listed twice (first on line {seen[code]})")
        seen[code] = row.line
        for column, expected in (
            ("teer", code[1]),
            ("broad_category", code[0]),
            ("major_group", code[:2]),
        ):
            if row.text(column) != expected:
                raise row.error(
                    column, f"{row.text(column)!r} does not match code {code} ({expected})"
                )
        rows.append(
            NocUnitGroup(
                code=code,
                title_en=row.text("title_en"),
                title_fr=row.text("title_fr"),
                teer=int(code[1]),
                broad_category=code[0],
                major_group=code[:2],
            )
        )
    return table.loaded(len(rows), rows)


def load_economic_regions(source: Source | str | PathLike[str]) -> RegionsFile:
    """``jobbank_economic_regions.csv``: one national row, one total per province, the ERs."""
    table = _Table(as_source(source), REGION_COLUMNS)
    rows: list[EconomicRegion] = []
    seen: dict[str, int] = {}
    jobbank: dict[str, str | None] = {}
    totals: dict[str | None, str] = {}
    for row in table.rows():
        code = row.text("er_code")
        if not _ER_CODE.fullmatch(code):
            raise row.error("er_code", f"{code!r} is not a Job Bank region code like ER3530")
        if code in seen:
            raise row.error("er_code", f"{code} is listed twice (first on line {seen[code]})")
        seen[code] = row.line
        level = row.text("geo_level")
        if level not in GEO_LEVELS:
            raise row.error("geo_level", f"{level!r} is not one of {', '.join(GEO_LEVELS)}")
        if level == "national":
            if row.text("province_iso", required=False):
                raise row.error("province_iso", "must be empty on the national row")
            province = None
        else:
            province = row.province("province_iso")
        code_jobbank = row.text("jobbank_prov")
        if jobbank.setdefault(code_jobbank, province) != province:
            raise row.error(
                "jobbank_prov", f"{code_jobbank} was mapped to {jobbank[code_jobbank]} before"
            )
        if level in ("national", "province", "province_and_economic_region"):
            if province in totals:
                raise row.error(
                    "geo_level",
                    f"{province or 'Canada'} already has a total row ({totals[province]})",
                )
            totals[province] = code
        rows.append(
            EconomicRegion(
                code=code,
                name_en=row.text("er_name_en"),
                name_fr=row.text("er_name_fr"),
                province=province,
                level=level,
            )
        )
    lacking = [name for name in (None, *PROVINCES) if name not in totals]
    if lacking:
        raise table.error(
            None, "geo_level", "no total row for " + ", ".join(p or "Canada" for p in lacking)
        )
    loaded = table.loaded(len(rows), rows)
    return RegionsFile(
        loaded.name, loaded.path, loaded.digest, loaded.count, loaded.rows, dict(jobbank)
    )


def load_wages(
    source: Source | str | PathLike[str],
    regions: RegionsFile,
    known_nocs: Collection[str] | None = None,
) -> LoadedFile[WageRow]:
    """ESDC's Job Bank "Wages" file (the 44,376-row 2025 file or a subset of it).

    Every row is checked (NOC code, region code and its province, revision date, annual flag,
    no duplicate NOC and region); only rows with a published median are kept. Reads with the csv
    module, looking only at the columns the portal uses.
    """
    table = _Table(as_source(source), WAGE_COLUMNS)
    index = table.index
    i_noc, i_prov, i_er, i_median, i_nhq, i_period, i_revision, i_annual = (
        index[column]
        for column in (
            "NOC_CNP",
            "prov",
            "ER_Code_Code_RE",
            "Median_Wage_Salaire_Median",
            "Source2025_NHQ",
            "Reference_Period",
            "Revision_Date_Date_revision",
            "Annual_Wage_Flag_Salaire_annuel",
        )
    )
    by_code = {region.code: region for region in regions.rows}
    jobbank = regions.jobbank_provinces
    dates: dict[str, date] = {}
    codes: dict[str, str] = {}  # "NOC_63200" -> "63200", once checked
    seen: dict[tuple[str, str], int] = {}
    rows: list[WageRow] = []
    count = 0
    for line, cells in table:
        count += 1
        raw_noc = cells[i_noc].strip()
        noc = codes.get(raw_noc)
        if noc is None:
            match = _JOBBANK_NOC.fullmatch(raw_noc)
            if match is None:
                raise table.error(
                    line, "NOC_CNP", f"{raw_noc!r} is not a Job Bank NOC like NOC_63200"
                )
            noc = match.group(1)
            if known_nocs is not None and noc not in known_nocs:
                raise table.error(line, "NOC_CNP", f"{noc} is not a NOC 2021 unit group")
            codes[raw_noc] = noc
        er_code = cells[i_er].strip()
        region = by_code.get(er_code)
        if region is None:
            raise table.error(
                line, "ER_Code_Code_RE", f"{er_code!r} is not a region of {regions.name}"
            )
        prov = cells[i_prov].strip()
        if prov not in jobbank or jobbank[prov] != region.province:
            raise table.error(
                line, "prov", f"{prov!r} is not the province of {er_code} ({region.name_en})"
            )
        key = (noc, er_code)
        if key in seen:
            raise table.error(
                line, "ER_Code_Code_RE", f"{raw_noc} {er_code} repeats line {seen[key]}"
            )
        seen[key] = line
        raw_date = cells[i_revision].strip()
        revision = dates.get(raw_date)
        if revision is None:
            revision = dates[raw_date] = _parse_date(
                table, line, "Revision_Date_Date_revision", raw_date
            )
        flag = cells[i_annual].strip()
        if flag not in ("0", "1"):
            raise table.error(
                line, "Annual_Wage_Flag_Salaire_annuel", f"{flag!r} is not 0 (hourly) or 1 (annual)"
            )
        median = cells[i_median].strip()
        if median in UNPUBLISHED:
            continue
        rows.append(
            WageRow(
                noc,
                er_code,
                _parse_amount(table, line, "Median_Wage_Salaire_Median", median),
                flag == "1",
                cells[i_period].strip(),
                revision,
                cells[i_nhq].strip(),
            )
        )
    if count and not rows:
        raise table.error(None, "Median_Wage_Salaire_Median", "no row has a published median")
    return table.loaded(count, rows)


def load_thresholds(source: Source | str | PathLike[str]) -> LoadedFile[WageThreshold]:
    """``wage_thresholds.csv``: inclusive periods, blank = open; no overlap within a province."""
    table = _Table(as_source(source), THRESHOLD_COLUMNS)
    rows: list[tuple[int, WageThreshold]] = []
    for row in table.rows():
        start = row.date("effective_from", required=False)
        end = row.date("effective_to", required=False)
        if start and end and end < start:
            raise row.error("effective_to", f"{end} is before effective_from {start}")
        threshold = WageThreshold(
            province=row.province("province"),
            effective_from=start,
            effective_to=end,
            hourly=row.amount("threshold_hourly"),
            basis=row.text("basis"),
            source=row.text("source"),
        )
        rows.append((row.line, threshold))
    by_province: dict[str, list[tuple[int, WageThreshold]]] = {}
    for line, threshold in rows:
        by_province.setdefault(threshold.province, []).append((line, threshold))
    for periods in by_province.values():
        periods.sort(key=lambda item: item[1].effective_from or date.min)
        for (before_line, before), (line, after) in zip(periods, periods[1:], strict=False):
            if (
                before.effective_to is None
                or after.effective_from is None
                or after.effective_from <= before.effective_to
            ):
                raise table.error(
                    line,
                    "effective_from",
                    f"{after.province} {_period(after.effective_from, after.effective_to)} "
                    f"overlaps line {before_line} "
                    f"({_period(before.effective_from, before.effective_to)})",
                )
    return table.loaded(len(rows), [threshold for _, threshold in rows])


def load_cma_list(source: Source | str | PathLike[str]) -> LoadedFile[CmaListing]:
    """``cma_refusal_list.csv``: CMAs per inclusive period; periods may not overlap.

    The rate may be empty (membership is what counts); a CMA appears at most once per period and
    province (Ottawa-Gatineau: once for ON, once for QC).
    """
    table = _Table(as_source(source), CMA_COLUMNS)
    rows: list[CmaListing] = []
    first_line: dict[tuple[date, date], int] = {}
    names: dict[tuple[date, date, str, str], int] = {}
    for row in table.rows():
        start = row.date("period_from")
        end = row.date("period_to")
        if end < start:
            raise row.error("period_to", f"{end} is before period_from {start}")
        listing = CmaListing(
            period_from=start,
            period_to=end,
            cma=row.text("cma"),
            province=row.province("province"),
            unemployment_rate=row.optional_amount("unemployment_rate"),
            source=row.text("source"),
        )
        key = (start, end, normalise_name(listing.cma), listing.province)
        if key in names:
            raise row.error(
                "cma",
                f"{listing.cma} ({listing.province}) is listed twice (first on line {names[key]})",
            )
        names[key] = row.line
        first_line.setdefault((start, end), row.line)
        rows.append(listing)
    periods = sorted(first_line)
    for before, after in zip(periods, periods[1:], strict=False):
        if after[0] <= before[1]:
            raise table.error(
                first_line[after],
                "period_from",
                f"period {_period(*after)} overlaps period {_period(*before)} "
                f"(line {first_line[before]})",
            )
    return table.loaded(len(rows), rows)


def _period(start: date | None, end: date | None) -> str:
    return f"{start or '(open)'} to {end or '(open)'}"
