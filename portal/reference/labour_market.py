"""Labour-market reference data the rules need, looked up "as of" a date (plain Python).

CONTRACT (shared by portal/rules and the loaders; keep these names and shapes):

    data = LabourMarketData.packaged()          # the copies shipped in portal/reference/data/
    data.noc("63200") -> NocUnitGroup | None
    data.search_noc("cook", limit=20) -> list[NocUnitGroup]    # by code prefix or title words
    data.wage_threshold("ON", date) -> WageThreshold | None    # None: no row covers the date
    data.prevailing_wage("63200", "ER3530", "ON") -> PrevailingWage | None
        # Job Bank median, economic region, else province, else Canada; hourly rows as is,
        # annual rows (Annual_Wage_Flag = 1) divided by 2080; None when nothing is published.
    data.cma_refusal("Toronto", date, province=None) -> CmaRefusal
        # status "refused" (listed for a period containing date), "not_listed" (a loaded
        # period contains date and the CMA is not on it), "unknown" (no loaded period has date)
    data.economic_regions(province=None) -> list[EconomicRegion]
    data.sources -> list[ReferenceSource]          # what is loaded, from where, as of when
    data.version -> str                            # short id of the loaded data, for "ruleset"

Names (CMA, region) compare after Unicode normalisation ignoring case, accents, surrounding
whitespace and punctuation, with inner runs of spaces and dashes read alike (see portal.rules
conventions): "Belleville – Quinte West" = "Belleville-Quinte West".

DETAILS

Building:
    LabourMarketData.packaged()                  # cached; the files in portal/reference/data/
    LabourMarketData.from_files(nocs=, regions=, wages=, thresholds=, cma_list=)
        # each a path or an already-read loaders.Source; keyword-only
    data.with_wages(path) / .with_thresholds(path) / .with_cma_list(path)
        # a new instance with that file replacing the current one; the file is validated first
        # (same columns as the packaged sample) and ReferenceDataError names its file, line
        # and column; on error nothing is replaced.
    LabourMarketData.current(instance_path)      # packaged, overlaid with the files an
        # administrator loaded into <instance>/reference/ (``flask refdata load-*``, see
        # INSTANCE_FILES); cached until one of those files changes.

Records (frozen dataclasses; money is Decimal, dates are datetime.date). The rows read from
files (NocUnitGroup, EconomicRegion, WageThreshold, CmaListing) are defined in
portal.reference.loaders and re-exported here; the lookup results are defined here:
    NocUnitGroup(code, title_en, title_fr, teer: int, broad_category, major_group)
    WageThreshold(province, effective_from, effective_to, hourly, basis, source)
        # dates inclusive; None = open start / open end
    PrevailingWage(noc, hourly, level, geography_code, geography_name, reference_period,
                   revision_date, source, annual)
        # level: the fallback step that produced it ("economic_region", "province",
        # "national"); hourly = annual median / 2080 when annual (28 significant digits,
        # rounded down, so never above the exact quotient)
    CmaRefusal(status, cma, period_from, period_to, unemployment_rate, source, province)
        # refused: the listing (cma as ESDC spells it; rate None when the source gave none);
        # not_listed: the period that contains the date and the name asked about, no rate;
        # unknown: only the name, rest None
    CmaListing(period_from, period_to, cma, province, unemployment_rate, source)
        # one row of the loaded CMA list
    EconomicRegion(code, name_en, name_fr, province, level)
        # province ISO (None for Canada); level national | province | economic_region |
        # province_and_economic_region (PE, YT, NT, NU: one region that is also the total)
    ReferenceSource(name, file, publisher, as_of, rows, partial_note)
        # one per dataset, in SOURCE_KINDS order; as_of is text: "NOC 2021 V1.0", the wage
        # file's latest Revision_Date, the latest threshold effective_from, the last CMA day

Lookups, precisely:
    noc(code): 5 digits, "NOC_" prefix accepted.
    search_noc(query, limit=20): digits -> code prefix; else every query word (accent- and
        case-insensitive) inside the English title, or every one inside the French title.
        Ordered by code.
    wage_threshold(province, day): the row whose inclusive period covers day (ISO province).
    prevailing_wage(noc, economic_region=None, province=None): economic_region is a Job Bank
        code (ER3530); it is skipped when it is not a region of ``province``. Province is ISO
        (derived from the region when omitted). Rows with a blank median are skipped.
    cma_refusal(cma, day, province=None): as the contract says; at most one loaded period
        contains a day. Membership is by name; a CMA listed for two provinces (Ottawa-Gatineau)
        answers with the row of ``province`` when given, else the first row.
    economic_regions(province=None, include_totals=False): the 76 economic regions (file
        order), or a province's; include_totals adds the Canada and province total rows.
    normalise_name(text): the comparison key used for names.
    Unknown codes give None (or "unknown"/"not_listed"); nothing here raises on a lookup.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, Context, Decimal
from functools import cache, cached_property, lru_cache
from itertools import islice
from os import PathLike
from pathlib import Path
from typing import Literal

from portal.reference import PROVINCES
from portal.reference.loaders import (
    GEO_LEVELS,
    CmaListing,
    EconomicRegion,
    LoadedFile,
    NocUnitGroup,
    ReferenceDataError,
    RegionsFile,
    Source,
    WageRow,
    WageThreshold,
    load_cma_list,
    load_economic_regions,
    load_noc_unit_groups,
    load_thresholds,
    load_wages,
    normalise_name,
)
from portal.rules.phrase import phrase

__all__ = [
    "HOURS_PER_YEAR",
    "INSTANCE_FILES",
    "PACKAGED_DIR",
    "PACKAGED_FILES",
    "SOURCE_KINDS",
    "CmaListing",
    "CmaRefusal",
    "EconomicRegion",
    "LabourMarketData",
    "NocUnitGroup",
    "PrevailingWage",
    "ReferenceDataError",
    "ReferenceSource",
    "WageThreshold",
    "instance_reference_dir",
    "normalise_name",
]

PACKAGED_DIR = Path(__file__).resolve().parent / "data"
# The datasets, in the order of ``LabourMarketData.sources``.
SOURCE_KINDS = ("nocs", "regions", "wages", "thresholds", "cma_list")
PACKAGED_FILES = {
    "nocs": "noc2021_unit_groups.csv",
    "regions": "jobbank_economic_regions.csv",
    "wages": "jobbank_wages_2025_subset.csv",
    "thresholds": "wage_thresholds.csv",
    "cma_list": "cma_refusal_list.csv",
}
# The files ``flask refdata load-*`` installs in <instance>/reference/, under fixed names.
INSTANCE_FILES = {
    "wages": "jobbank_wages.csv",
    "thresholds": "wage_thresholds.csv",
    "cma_list": "cma_refusal_list.csv",
}
# ESDC's usual full-time year; an assumption the rules cite when converting annual medians.
HOURS_PER_YEAR = Decimal(2080)
# Annual / 2080 to 28 significant digits, rounded down: a wage equal to the annual median never
# compares below its hourly equivalent (the error is under 1e-25 dollars an hour).
_DIVISION = Context(prec=28, rounding=ROUND_FLOOR)

NOC_VERSION = "NOC 2021 V1.0"
ESDC = "Employment and Social Development Canada (ESDC)"
STATCAN = "Statistics Canada"

WageLevel = Literal["economic_region", "province", "national"]
CmaStatus = Literal["refused", "not_listed", "unknown"]


@dataclass(frozen=True)
class PrevailingWage:
    noc: str
    hourly: Decimal
    level: WageLevel
    geography_code: str
    geography_name: str
    reference_period: str
    revision_date: date
    source: str
    annual: bool


@dataclass(frozen=True)
class CmaRefusal:
    status: CmaStatus
    cma: str
    period_from: date | None
    period_to: date | None
    unemployment_rate: Decimal | None
    source: str | None
    province: str | None = None  # the listing's province (refused only)


@dataclass(frozen=True)
class ReferenceSource:
    name: str
    file: str
    publisher: str
    as_of: str
    rows: int
    partial_note: str | None


def instance_reference_dir(instance_path: str | PathLike[str]) -> Path:
    """Where administrator-loaded reference files live: <instance>/reference/."""
    return Path(instance_path) / "reference"


class LabourMarketData:
    """One consistent set of reference files and the lookups over them. Immutable."""

    def __init__(
        self,
        nocs: LoadedFile[NocUnitGroup],
        regions: RegionsFile,
        wages: LoadedFile[WageRow],
        thresholds: LoadedFile[WageThreshold],
        cma_list: LoadedFile[CmaListing],
    ) -> None:
        self._files = {
            "nocs": nocs,
            "regions": regions,
            "wages": wages,
            "thresholds": thresholds,
            "cma_list": cma_list,
        }
        self._nocs = {unit.code: unit for unit in nocs.rows}
        self._noc_search = [
            (unit.code, _fold(unit.title_en), _fold(unit.title_fr), unit)
            for unit in sorted(nocs.rows, key=lambda unit: unit.code)
        ]
        self._regions = {region.code: region for region in regions.rows}
        self._totals: dict[str | None, EconomicRegion] = {
            region.province: region
            for region in regions.rows
            if region.level in ("national", "province", "province_and_economic_region")
        }
        self._wages = {(row.noc, row.er_code): row for row in wages.rows}
        self._thresholds: dict[str, list[WageThreshold]] = {}
        for threshold in thresholds.rows:
            self._thresholds.setdefault(threshold.province, []).append(threshold)
        self._periods = sorted({(row.period_from, row.period_to) for row in cma_list.rows})
        self._listings: dict[tuple[date, date, str], list[CmaListing]] = {}
        for row in cma_list.rows:
            key = (row.period_from, row.period_to, normalise_name(row.cma))
            self._listings.setdefault(key, []).append(row)
        sources: dict[tuple[date, date], set[str]] = {}
        for row in cma_list.rows:
            sources.setdefault((row.period_from, row.period_to), set()).add(row.source)
        self._period_sources = {period: "; ".join(sorted(s)) for period, s in sources.items()}

    # Building --------------------------------------------------------------------------------

    @classmethod
    def from_files(
        cls,
        *,
        nocs: Source | str | PathLike[str],
        regions: Source | str | PathLike[str],
        wages: Source | str | PathLike[str],
        thresholds: Source | str | PathLike[str],
        cma_list: Source | str | PathLike[str],
    ) -> LabourMarketData:
        noc_file = load_noc_unit_groups(nocs)
        region_file = load_economic_regions(regions)
        known = {unit.code for unit in noc_file.rows}
        return cls(
            noc_file,
            region_file,
            load_wages(wages, region_file, known),
            load_thresholds(thresholds),
            load_cma_list(cma_list),
        )

    @classmethod
    def packaged(cls) -> LabourMarketData:
        return _packaged()

    @classmethod
    def current(cls, instance_path: str | PathLike[str]) -> LabourMarketData:
        folder = instance_reference_dir(instance_path)
        present = []
        for kind, name in INSTANCE_FILES.items():
            path = folder / name
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            present.append((kind, str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size))
        return _overlaid(tuple(present))

    def with_wages(self, path: Source | str | PathLike[str]) -> LabourMarketData:
        return self._replace(wages=load_wages(path, self._files["regions"], self._nocs.keys()))

    def with_thresholds(self, path: Source | str | PathLike[str]) -> LabourMarketData:
        return self._replace(thresholds=load_thresholds(path))

    def with_cma_list(self, path: Source | str | PathLike[str]) -> LabourMarketData:
        return self._replace(cma_list=load_cma_list(path))

    def _replace(self, **files: LoadedFile) -> LabourMarketData:
        return type(self)(**{**self._files, **files})

    # Lookups ---------------------------------------------------------------------------------

    def noc(self, code: str) -> NocUnitGroup | None:
        return self._nocs.get(_noc_code(code))

    def search_noc(self, query: str, limit: int = 20) -> list[NocUnitGroup]:
        query = query.strip()
        if limit <= 0 or not query:
            return []
        prefix = _noc_code(query)
        if prefix.isascii() and prefix.isdigit():
            found = (unit for code, _, _, unit in self._noc_search if code.startswith(prefix))
        else:
            words = [word for word in (_fold(part) for part in query.split()) if word]
            if not words:
                return []
            found = (
                unit
                for _, english, french, unit in self._noc_search
                if all(word in english for word in words) or all(word in french for word in words)
            )
        return list(islice(found, limit))

    def wage_threshold(self, province: str, on: date) -> WageThreshold | None:
        day = _day(on)
        for threshold in self._thresholds.get(province.strip().upper(), ()):
            if threshold.covers(day):
                return threshold
        return None

    def prevailing_wage(
        self, noc: str, economic_region: str | None = None, province: str | None = None
    ) -> PrevailingWage | None:
        code = _noc_code(noc)
        region = self._regions.get((economic_region or "").strip().upper())
        province = province.strip().upper() if province else None
        if province is None and region is not None:
            province = region.province
        steps: list[tuple[EconomicRegion, WageLevel]] = []
        if (
            region is not None
            and region.level in ("economic_region", "province_and_economic_region")
            and region.province == province
        ):
            steps.append((region, "economic_region"))
        if province is not None and province in self._totals:
            steps.append((self._totals[province], "province"))
        steps.append((self._totals[None], "national"))
        for geography, level in steps:
            row = self._wages.get((code, geography.code))
            if row is not None:
                hourly = _DIVISION.divide(row.median, HOURS_PER_YEAR) if row.annual else row.median
                return PrevailingWage(
                    noc=code,
                    hourly=hourly,
                    level=level,
                    geography_code=geography.code,
                    geography_name=geography.name_en,
                    reference_period=row.reference_period,
                    revision_date=row.revision_date,
                    source=f"ESDC Job Bank wages ({row.source})",
                    annual=row.annual,
                )
        return None

    def cma_refusal(self, cma: str, on: date, province: str | None = None) -> CmaRefusal:
        day = _day(on)
        period = next((p for p in self._periods if p[0] <= day <= p[1]), None)
        if period is None:
            return CmaRefusal("unknown", cma, None, None, None, None)
        listings = self._listings.get((*period, normalise_name(cma)))
        if listings:
            wanted = province.strip().upper() if province else None
            listing = next((row for row in listings if row.province == wanted), listings[0])
            return CmaRefusal(
                "refused",
                listing.cma,
                listing.period_from,
                listing.period_to,
                listing.unemployment_rate,
                listing.source,
                listing.province,
            )
        return CmaRefusal(
            "not_listed", cma, period[0], period[1], None, self._period_sources[period]
        )

    def economic_regions(
        self, province: str | None = None, *, include_totals: bool = False
    ) -> list[EconomicRegion]:
        wanted = province.strip().upper() if province else None
        levels = (
            GEO_LEVELS if include_totals else ("economic_region", "province_and_economic_region")
        )
        return [
            region
            for region in self._files["regions"].rows
            if region.level in levels and (wanted is None or region.province == wanted)
        ]

    # What is loaded --------------------------------------------------------------------------

    def _threshold_gaps(self) -> list[str]:
        """The periods no threshold row covers (in any province that has rows), described."""
        gaps: set[tuple[date | None, date | None]] = set()
        for rows in self._thresholds.values():
            periods = sorted(rows, key=lambda row: row.effective_from or date.min)
            if periods[0].effective_from is not None:
                gaps.add((None, periods[0].effective_from - timedelta(days=1)))
            for before, after in zip(periods, periods[1:], strict=False):
                assert before.effective_to is not None and after.effective_from is not None
                if (after.effective_from - before.effective_to).days > 1:
                    gaps.add(
                        (
                            before.effective_to + timedelta(days=1),
                            after.effective_from - timedelta(days=1),
                        )
                    )
            if periods[-1].effective_to is not None:
                gaps.add((periods[-1].effective_to + timedelta(days=1), None))
        ordered = sorted(gaps, key=lambda gap: (gap[0] or date.min, gap[1] or date.max))
        return [_describe_gap(start, end) for start, end in ordered]

    @cached_property
    def version(self) -> str:
        combined = hashlib.sha256()
        for loaded in self._files.values():
            combined.update(bytes.fromhex(loaded.digest))
        return "ref-" + combined.hexdigest()[:8]

    @property
    def sources(self) -> list[ReferenceSource]:
        files = self._files
        nocs, regions, wages = files["nocs"], files["regions"], files["wages"]
        thresholds, cma_list = files["thresholds"], files["cma_list"]
        wage_nocs = sorted({row.noc for row in wages.rows})
        wage_note = None
        if len(wage_nocs) < len(self._nocs):
            listed = f" ({', '.join(wage_nocs)})" if len(wage_nocs) <= 10 else ""
            wage_note = (
                f"Only {len(wage_nocs)} of {len(self._nocs)} NOCs have a published median"
                f"{listed}; the others have no prevailing wage until the full ESDC file is loaded."
            )
        if _is_packaged(wages):
            wage_note = (wage_note + " " if wage_note else "") + "Subset of ESDC's 2025 file."
        missing = [p for p in PROVINCES if p not in self._thresholds]
        threshold_notes = []
        if missing:
            threshold_notes.append("No threshold for " + ", ".join(missing) + ".")
        gaps = self._threshold_gaps()
        if gaps:
            threshold_notes.append(
                "No row covers "
                + ", ".join(gaps)
                + ": the stream cannot be verified for those dates."
            )
        if _is_packaged(thresholds):
            threshold_notes.append(
                "Figures transcribed from secondary summaries named in the source column;"
                " check ESDC's median-wage page."
            )
        periods = ", ".join(f"{start} to {end}" for start, end in self._periods)
        cma_note = f"Periods loaded: {periods}; any other date answers 'unknown'."
        unrated = sum(row.unemployment_rate is None for row in cma_list.rows)
        if unrated:
            cma_note += (
                f" {unrated} listings have no unemployment rate (not given by the sources);"
                " being listed is what counts."
            )
        if _is_packaged(cma_list):
            cma_note += " Transcribed from secondary summaries named in the source column."
        return [
            ReferenceSource(
                phrase("NOC 2021 unit groups"), nocs.name, STATCAN, NOC_VERSION, nocs.count, None
            ),
            ReferenceSource(
                phrase("Job Bank economic regions"),
                regions.name,
                ESDC + ", Job Bank",
                phrase("2025 wages release"),
                regions.count,
                None,
            ),
            ReferenceSource(
                phrase("Job Bank wages (prevailing wage)"),
                wages.name,
                ESDC + ", Job Bank",
                max(row.revision_date for row in wages.rows).isoformat(),
                wages.count,
                wage_note,
            ),
            ReferenceSource(
                phrase("High-wage / low-wage thresholds"),
                thresholds.name,
                ESDC + ", Temporary Foreign Worker Program",
                _latest(threshold.effective_from for threshold in thresholds.rows),
                thresholds.count,
                " ".join(threshold_notes) or None,
            ),
            ReferenceSource(
                phrase("Low-wage refusal-to-process CMA list"),
                cma_list.name,
                ESDC + ", Temporary Foreign Worker Program",
                max(end for _, end in self._periods).isoformat(),
                cma_list.count,
                cma_note,
            ),
        ]


def _describe_gap(start: date | None, end: date | None) -> str:
    if start is None:
        return f"dates before {end + timedelta(days=1)}"
    if end is None:
        return f"dates after {start - timedelta(days=1)}"
    return f"{start} to {end}"


@cache
def _packaged() -> LabourMarketData:
    return LabourMarketData.from_files(
        **{kind: PACKAGED_DIR / name for kind, name in PACKAGED_FILES.items()}
    )


@lru_cache(maxsize=8)
def _overlaid(present: tuple[tuple[str, str, int, int, int], ...]) -> LabourMarketData:
    """Packaged data with the instance files ``present`` (kind, path, inode, mtime, size)."""
    data = _packaged()
    for kind, path, *_stamp in present:
        data = getattr(data, f"with_{kind}")(path)
    return data


def _is_packaged(loaded: LoadedFile) -> bool:
    return loaded.path is not None and loaded.path.parent == PACKAGED_DIR


def _latest(days) -> str:
    known = [day for day in days if day is not None]
    return max(known).isoformat() if known else "open-ended"


def _fold(text: str) -> str:
    return normalise_name(text)


def _noc_code(code: str) -> str:
    code = code.strip()
    return code[4:] if code.upper().startswith("NOC_") else code


def _day(on: date) -> date:
    return on.date() if isinstance(on, datetime) else on
