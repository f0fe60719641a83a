"""Lookups over the packaged reference data, checked against the real files' values."""

import ast
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from portal.reference import labour_market
from portal.reference.labour_market import (
    INSTANCE_FILES,
    PACKAGED_DIR,
    LabourMarketData,
    normalise_name,
)
from tests.reference.support import packaged_rows, set_cell, wage_rows, write_csv


@pytest.fixture(scope="module")
def data():
    return LabourMarketData.packaged()


# Thresholds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("province", "day", "hourly"),
    [
        # 2020 medians from 2020-05-11 to 2022-01-17; 2022 medians 2022-05-04 to 2023-05-30.
        ("ON", date(2020, 5, 11), "24.04"),
        ("ON", date(2020, 5, 12), "24.04"),
        ("ON", date(2022, 1, 17), "24.04"),
        ("ON", date(2022, 5, 4), "26.06"),
        ("ON", date(2022, 5, 5), "26.06"),
        ("ON", date(2023, 5, 30), "26.06"),
        # The former open start, closed: the 2023 median only from 2023-05-31.
        ("ON", date(2023, 5, 31), "27.00"),
        ("ON", date(2023, 6, 1), "27.00"),
        ("ON", date(2024, 4, 1), "27.00"),
        ("ON", date(2024, 4, 2), "28.39"),
        ("ON", date(2024, 4, 3), "28.39"),
        ("ON", date(2024, 11, 7), "28.39"),
        ("ON", date(2024, 11, 8), "34.07"),
        ("ON", date(2024, 11, 9), "34.07"),
        ("ON", date(2025, 6, 26), "34.07"),
        ("ON", date(2025, 6, 27), "36.00"),
        ("ON", date(2025, 6, 28), "36.00"),
        ("ON", date(2031, 1, 1), "36.00"),  # open end
        ("AB", date(2020, 5, 11), "27.28"),
        ("AB", date(2022, 1, 17), "27.28"),
        ("AB", date(2022, 5, 4), "28.85"),
        ("AB", date(2023, 5, 30), "28.85"),
        ("AB", date(2023, 5, 31), "28.85"),
        ("AB", date(2024, 4, 1), "28.85"),
        ("AB", date(2024, 4, 2), "29.50"),
        ("AB", date(2024, 11, 7), "29.50"),
        ("AB", date(2024, 11, 8), "35.40"),
        ("AB", date(2024, 11, 9), "35.40"),
        ("AB", date(2025, 6, 26), "35.40"),
        ("AB", date(2025, 6, 27), "36.00"),
        ("AB", date(2025, 6, 28), "36.00"),
        ("BC", date(2023, 5, 30), "26.44"),
        ("BC", date(2023, 5, 31), "27.50"),
        ("BC", date(2025, 6, 27), "36.60"),
    ],
)
def test_threshold_on_each_side_of_every_boundary(data, province, day, hourly):
    threshold = data.wage_threshold(province, day)

    assert threshold.province == province
    assert threshold.hourly == Decimal(hourly)
    assert isinstance(threshold.hourly, Decimal)
    assert threshold.covers(day)


def test_threshold_row_carries_its_period_basis_and_source(data):
    threshold = data.wage_threshold("ON", date(2024, 11, 8))

    assert (threshold.effective_from, threshold.effective_to) == (
        date(2024, 11, 8),
        date(2025, 6, 26),
    )
    assert threshold.basis.startswith("median + 20%")
    assert "cikh.ca" in threshold.source
    assert data.wage_threshold("ON", date(2024, 1, 1)).effective_from == date(2023, 5, 31)
    assert data.wage_threshold("ON", date(2026, 1, 1)).effective_to is None


@pytest.mark.parametrize(
    "province", ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
)
@pytest.mark.parametrize(
    "day",
    [
        date(2019, 1, 1),
        date(2020, 5, 10),  # the day before the first row
        date(2022, 1, 18),  # the day after the 2020 medians' last confirmed day
        date(2022, 3, 1),
        date(2022, 5, 3),  # the day before the 2022 medians' first row
    ],
)
def test_dates_no_row_covers_have_no_threshold(data, province, day):
    """Uncovered dates answer None ("cannot verify"), never a neighbouring row's figure."""
    assert data.wage_threshold(province, day) is None


@pytest.mark.parametrize("day", [date(2020, 5, 11), date(2022, 1, 17), date(2022, 5, 4)])
def test_every_province_has_a_threshold_on_the_first_and_last_covered_days(data, day):
    for province in ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"):
        assert data.wage_threshold(province, day) is not None, province


def test_threshold_accepts_lower_case_province_and_datetimes(data):
    assert data.wage_threshold("on", datetime(2024, 11, 8, 23, 59)).hourly == Decimal("34.07")


def test_threshold_is_none_for_an_unknown_province(data):
    assert data.wage_threshold("ZZ", date(2025, 1, 1)) is None


def test_an_open_start_covers_every_earlier_date(data, tmp_path):
    """A loaded file may still give a row with no start: it then covers every earlier date."""
    header, *body = packaged_rows("thresholds")
    rows = [header] + [row for row in body if row[1] >= "2023-05-31"]
    set_cell(rows, {"province": "ON", "effective_from": "2023-05-31"}, "effective_from", "")
    data = data.with_thresholds(write_csv(tmp_path / "thresholds.csv", rows))

    assert data.wage_threshold("ON", date(2019, 1, 1)).hourly == Decimal("27.00")
    assert data.wage_threshold("ON", date(2023, 5, 31)).hourly == Decimal("27.00")
    assert data.wage_threshold("AB", date(2023, 5, 30)) is None


def test_threshold_is_none_in_a_gap_between_periods(data, tmp_path):
    rows = packaged_rows("thresholds")
    set_cell(rows, {"province": "ON", "effective_from": "2024-11-08"}, "effective_to", "2025-06-20")
    data = data.with_thresholds(write_csv(tmp_path / "thresholds.csv", rows))

    assert data.wage_threshold("ON", date(2025, 6, 20)).hourly == Decimal("34.07")
    assert data.wage_threshold("ON", date(2025, 6, 21)) is None
    assert data.wage_threshold("ON", date(2025, 6, 26)) is None
    assert data.wage_threshold("ON", date(2025, 6, 27)).hourly == Decimal("36.00")


# Prevailing wage -----------------------------------------------------------------------------


def test_prevailing_wage_in_the_economic_region(data):
    wage = data.prevailing_wage("63200", "ER3530", "ON")

    assert wage.hourly == Decimal("18.00")
    assert (wage.level, wage.geography_code, wage.geography_name) == (
        "economic_region",
        "ER3530",
        "Toronto",
    )
    assert (wage.noc, wage.annual, wage.reference_period) == ("63200", False, "2023-2024")
    assert wage.revision_date == date(2025, 11, 19)
    assert "LFS 2023-24 ER NOC5" in wage.source


def test_prevailing_wage_lower_mainland(data):
    wage = data.prevailing_wage("65201", "ER5920", "BC")

    assert wage.hourly == Decimal("17.85")
    assert (wage.level, wage.geography_name) == ("economic_region", "Lower Mainland")


def test_blank_region_falls_back_to_the_province(data):
    # NOC 21231 has no published median in ER1020 (South Coast--Burin Peninsula, NL).
    wage = data.prevailing_wage("21231", "ER1020", "NL")

    assert wage.hourly == Decimal("48.88")
    assert (wage.level, wage.geography_code) == ("province", "ER10")
    assert wage.reference_period == "2024"


@pytest.mark.parametrize(
    ("region", "province"), [("ER6010", "YT"), ("ER6110", "NT"), ("ER6210", "NU")]
)
def test_blank_territory_falls_back_to_canada(data, region, province):
    # In the territories the region is the territory: blank there means the national median.
    wage = data.prevailing_wage("21231", region, province)

    assert wage.hourly == Decimal("56.49")
    assert (wage.level, wage.geography_code, wage.geography_name) == ("national", "ER00", "Canada")


def test_annual_median_is_divided_by_2080_exactly(data):
    toronto = data.prevailing_wage("00010", "ER3530", "ON")
    canada = data.prevailing_wage("00010", None, None)

    assert toronto.annual is True
    assert toronto.hourly == Decimal("119000") / Decimal("2080")
    assert toronto.hourly == Decimal("57.21153846153846153846153846")
    assert canada.hourly == Decimal("40.38461538461538461538461538")
    assert canada.level == "national"


def test_annual_division_rounds_down_at_28_digits(data, tmp_path):
    rows = wage_rows("00010")
    set_cell(rows, {"ER_Code_Code_RE": "ER00"}, "Median_Wage_Salaire_Median", "100000")
    wage = data.with_wages(write_csv(tmp_path / "wages.csv", rows)).prevailing_wage("00010")

    # 100000 / 2080 = 48.076923076923076923076923076923...: half-even would end in ...308.
    assert wage.hourly == Decimal("48.07692307692307692307692307")
    assert wage.hourly * 2080 <= 100000


def test_annual_fallback_uses_the_province_row_flag(data):
    # ER3580's row is blank (and flagged 0); Ontario's row is annual: 80,000 / 2080.
    wage = data.prevailing_wage("00010", "ER3580", "ON")

    assert (wage.level, wage.geography_code, wage.annual) == ("province", "ER35", True)
    assert wage.hourly == Decimal("80000") / Decimal("2080")


def test_unknown_noc_or_noc_without_wages_has_no_prevailing_wage(data):
    assert data.prevailing_wage("99999", "ER3530", "ON") is None
    assert data.noc("33102") is not None
    assert data.prevailing_wage("33102", "ER3530", "ON") is None


def test_region_outside_the_province_is_ignored(data):
    wage = data.prevailing_wage("63200", "ER3530", "BC")

    assert (wage.level, wage.geography_code, wage.hourly) == ("province", "ER59", Decimal("20"))


def test_unknown_region_uses_the_province_and_missing_province_uses_the_region(data):
    assert data.prevailing_wage("63200", "ER9999", "QC").geography_code == "ER24"
    assert data.prevailing_wage("63200", None, "BC").level == "province"
    wage = data.prevailing_wage("NOC_63200", "er5920")
    assert (wage.level, wage.hourly) == ("economic_region", Decimal("20"))


def test_province_total_given_as_region_counts_as_province(data):
    wage = data.prevailing_wage("63200", "ER35", "ON")

    assert (wage.level, wage.geography_code) == ("province", "ER35")


# CMA refusal list ----------------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2025, 4, 4), date(2025, 5, 15), date(2025, 7, 10)])
def test_listed_cma_is_refused_through_the_whole_period(data, day):
    refusal = data.cma_refusal("Toronto", day)

    assert refusal.status == "refused"
    assert refusal.cma == "Toronto"
    assert (refusal.period_from, refusal.period_to) == (date(2025, 4, 4), date(2025, 7, 10))
    assert refusal.unemployment_rate == Decimal("8.6")
    assert "cicnews.com" in refusal.source


@pytest.mark.parametrize(
    ("day", "period", "rate"),
    [
        (date(2025, 1, 10), (date(2025, 1, 10), date(2025, 4, 3)), Decimal("7.9")),
        (date(2025, 4, 3), (date(2025, 1, 10), date(2025, 4, 3)), Decimal("7.9")),
        (date(2025, 7, 11), (date(2025, 7, 11), date(2025, 10, 9)), Decimal("8.9")),
        (date(2025, 10, 9), (date(2025, 7, 11), date(2025, 10, 9)), Decimal("8.9")),
        (date(2025, 10, 10), (date(2025, 10, 10), date(2026, 1, 8)), None),
        (date(2026, 1, 8), (date(2025, 10, 10), date(2026, 1, 8)), None),
        (date(2026, 1, 9), (date(2026, 1, 9), date(2026, 4, 9)), None),
        (date(2026, 4, 9), (date(2026, 1, 9), date(2026, 4, 9)), None),
    ],
)
def test_toronto_is_refused_in_each_of_the_five_quarters(data, day, period, rate):
    refusal = data.cma_refusal("Toronto", day)

    assert refusal.status == "refused"
    assert (refusal.period_from, refusal.period_to) == period
    assert refusal.unemployment_rate == rate  # empty in the source: membership is what counts


@pytest.mark.parametrize("day", [date(2025, 1, 9), date(2026, 4, 10), date(2024, 9, 26)])
def test_dates_outside_the_loaded_quarters_are_unknown(data, day):
    refusal = data.cma_refusal("Toronto", day)

    assert refusal.status == "unknown"
    assert refusal.cma == "Toronto"
    assert refusal.period_from is refusal.period_to is refusal.unemployment_rate is None


def test_cma_not_on_the_list_is_not_listed(data):
    refusal = data.cma_refusal("Ottawa - Gatineau", date(2025, 5, 1))

    assert refusal.status == "not_listed"
    assert refusal.cma == "Ottawa - Gatineau"
    assert (refusal.period_from, refusal.period_to) == (date(2025, 4, 4), date(2025, 7, 10))
    assert refusal.unemployment_rate is None


@pytest.mark.parametrize("province", ["ON", "QC", None])
def test_ottawa_gatineau_is_listed_for_both_provinces(data, province):
    refusal = data.cma_refusal("Ottawa – Gatineau", date(2025, 7, 11), province)

    assert (refusal.status, refusal.cma) == ("refused", "Ottawa-Gatineau")
    assert refusal.province == (province or "ON")
    assert refusal.unemployment_rate == Decimal("6.4")


@pytest.mark.parametrize(
    "asked",
    [
        "Belleville-Quinte West",
        "Belleville – Quinte West",  # ESDC's spaced en dash
        "Belleville — Quinte West",  # em dash
        "Belleville - Quinte West",
        "Belleville -Quinte West",
        "belleville\u2010quinte  west",  # Unicode hyphen, two spaces
        "Belleville Quinte West",  # a run of spaces alone reads as a hyphen too
        "BELLEVILLE - QUINTE - WEST",
    ],
)
def test_cma_names_read_inner_dashes_and_spaces_alike(data, asked):
    refusal = data.cma_refusal(asked, date(2025, 10, 10))

    assert (refusal.status, refusal.cma) == ("refused", "Belleville - Quinte West")


def test_a_dash_is_not_the_same_as_nothing(data):
    assert data.cma_refusal("BellevilleQuinte West", date(2025, 10, 10)).status == "not_listed"
    assert data.cma_refusal("Belleville.Quinte West", date(2025, 10, 10)).status == "not_listed"


@pytest.mark.parametrize(
    ("asked", "listed"),
    [
        ("montreal", "Montréal"),
        ("  MONTRÉAL. ", "Montréal"),
        ("Montre\u0301al", "Montréal"),  # decomposed accent
        ("st. john's", "St. John's"),
        ("St. John\u2019s", "St. John's"),  # typographic apostrophe
        ("kitchener-cambridge-waterloo", "Kitchener-Cambridge-Waterloo"),
    ],
)
def test_cma_names_ignore_case_accents_and_edge_punctuation(data, asked, listed):
    refusal = data.cma_refusal(asked, date(2025, 5, 1))

    assert (refusal.status, refusal.cma) == ("refused", listed)


def test_inner_characters_of_a_cma_name_count(data):
    assert data.cma_refusal("St Johns", date(2025, 5, 1)).status == "not_listed"


def test_normalise_name():
    assert normalise_name("  Cook. ") == normalise_name("cook")
    assert normalise_name("Montréal") == "montreal"
    assert normalise_name("«Québec»") == "quebec"
    assert normalise_name("St. John’s") == "st.-john's"
    assert normalise_name("Kitchener - Cambridge - Waterloo") == "kitchener-cambridge-waterloo"
    assert normalise_name("Belleville – Quinte West") == "belleville-quinte-west"
    assert normalise_name("Saint  John") == "saint-john"
    assert normalise_name(" -Toronto- ") == "toronto"


# NOC -----------------------------------------------------------------------------------------


def test_all_516_unit_groups_are_loaded(data):
    assert data.sources[0].rows == 516
    by_digit = [data.search_noc(str(digit), limit=1000) for digit in range(10)]
    assert sum(len(found) for found in by_digit) == 516
    teers = [unit.teer for found in by_digit for unit in found]
    assert [teers.count(teer) for teer in range(6)] == [48, 97, 162, 69, 95, 45]


def test_noc_lookup(data):
    cooks = data.noc("63200")

    assert (cooks.title_en, cooks.title_fr) == ("Cooks", "Cuisiniers/cuisinières")
    assert (cooks.teer, cooks.broad_category, cooks.major_group) == (3, "6", "63")
    assert data.noc("NOC_63200") == cooks
    assert data.noc("00010").title_en == "Legislators"
    assert data.noc("73300").teer == 3
    assert data.noc("21231").teer == 1
    assert data.noc("65201").teer == 5
    assert data.noc("6320") is None
    assert data.noc("99999") is None


def test_search_by_title_words(data):
    assert [unit.code for unit in data.search_noc("cook")] == ["63200"]
    assert [unit.code for unit in data.search_noc("CUISINIERES")] == ["63200"]
    found = data.search_noc("software engineers")
    assert "21231" in [unit.code for unit in found]
    # All words must be in the same title, in any order.
    assert "21231" in [unit.code for unit in data.search_noc("designers software")]
    assert data.search_noc("cook zzzz") == []


def test_search_by_code_prefix_is_ordered_and_limited(data):
    codes = [unit.code for unit in data.search_noc("632")]
    assert codes == sorted(codes)
    assert codes[0] == "63200"
    assert all(code.startswith("632") for code in codes)
    assert len(data.search_noc("6", limit=5)) == 5
    assert data.search_noc("  ") == []
    assert data.search_noc("cook", limit=0) == []


def test_word_search_is_ordered_by_code(data):
    codes = [unit.code for unit in data.search_noc("managers", limit=100)]
    assert len(codes) > 20
    assert codes == sorted(codes)


# Regions, sources, version -------------------------------------------------------------------


def test_economic_regions(data):
    regions = data.economic_regions()

    assert len(regions) == 76
    assert {region.level for region in regions} == {
        "economic_region",
        "province_and_economic_region",
    }
    ontario = data.economic_regions("ON")
    assert len(ontario) == 11
    assert ontario[3].code == "ER3530" and ontario[3].name_en == "Toronto"
    assert [region.code for region in data.economic_regions("yt")] == ["ER6010"]
    everything = data.economic_regions(include_totals=True)
    assert len(everything) == 86
    assert everything[0].code == "ER00" and everything[0].province is None


def test_sources_say_what_is_loaded_and_as_of_when(data):
    sources = {source.name: source for source in data.sources}

    nocs = sources["NOC 2021 unit groups"]
    assert (nocs.as_of, nocs.rows, nocs.publisher) == ("NOC 2021 V1.0", 516, "Statistics Canada")
    wages = sources["Job Bank wages (prevailing wage)"]
    assert (wages.as_of, wages.rows, wages.file) == (
        "2025-11-19",
        430,
        "jobbank_wages_2025_subset.csv",
    )
    assert "Only 5 of 516 NOCs" in wages.partial_note
    thresholds = sources["High-wage / low-wage thresholds"]
    assert (thresholds.as_of, thresholds.rows) == ("2025-06-27", 78)
    assert "No row covers dates before 2020-05-11, 2022-01-18 to 2022-05-03" in (
        thresholds.partial_note
    )
    cma = sources["Low-wage refusal-to-process CMA list"]
    assert (cma.as_of, cma.rows) == ("2026-04-09", 124)
    assert (
        "2025-01-10 to 2025-04-03, 2025-04-04 to 2025-07-10, 2025-07-11 to 2025-10-09, "
        "2025-10-10 to 2026-01-08, 2026-01-09 to 2026-04-09"
    ) in cma.partial_note
    assert "have no unemployment rate" in cma.partial_note
    assert len(data.sources) == 5


def test_version_identifies_the_loaded_bytes(data, tmp_path):
    assert re.fullmatch(r"ref-[0-9a-f]{8}", data.version)
    assert LabourMarketData.packaged() is data

    rows = packaged_rows("thresholds")
    set_cell(rows, {"province": "ON", "effective_from": "2025-06-27"}, "threshold_hourly", "36.01")
    changed = data.with_thresholds(write_csv(tmp_path / "thresholds.csv", rows))

    assert changed.version != data.version
    assert changed.wage_threshold("ON", date(2025, 7, 1)).hourly == Decimal("36.01")
    assert data.wage_threshold("ON", date(2025, 7, 1)).hourly == Decimal("36.00")
    same = data.with_thresholds(PACKAGED_DIR / "wage_thresholds.csv")
    assert same.version == data.version


def test_with_wages_replaces_the_packaged_wages(data, tmp_path):
    rows = wage_rows("63200")
    set_cell(rows, {"ER_Code_Code_RE": "ER3530"}, "Median_Wage_Salaire_Median", "19.50")
    fuller = data.with_wages(write_csv(tmp_path / "wages.csv", rows))

    assert fuller.prevailing_wage("63200", "ER3530", "ON").hourly == Decimal("19.50")
    assert fuller.prevailing_wage("65201", "ER5920", "BC") is None  # replaced, not merged
    assert data.prevailing_wage("63200", "ER3530", "ON").hourly == Decimal("18")


def test_from_files_builds_from_explicit_paths(tmp_path):
    rows = packaged_rows("cma_list")
    rows = [rows[0], *(row for row in rows[1:] if row[2] == "Toronto")]
    paths = {kind: PACKAGED_DIR / name for kind, name in labour_market.PACKAGED_FILES.items()}
    paths["cma_list"] = write_csv(tmp_path / "cma.csv", rows)

    data = LabourMarketData.from_files(**paths)

    assert data.cma_refusal("Toronto", date(2025, 5, 1)).status == "refused"
    assert data.cma_refusal("Calgary", date(2025, 5, 1)).status == "not_listed"


def test_current_overlays_instance_files_and_follows_changes(tmp_path):
    assert LabourMarketData.current(tmp_path).version == LabourMarketData.packaged().version

    folder = tmp_path / "reference"
    folder.mkdir()
    rows = packaged_rows("thresholds")
    set_cell(rows, {"province": "ON", "effective_from": "2025-06-27"}, "threshold_hourly", "37.00")
    write_csv(folder / INSTANCE_FILES["thresholds"], rows)
    first = LabourMarketData.current(tmp_path)

    assert first.wage_threshold("ON", date(2025, 7, 1)).hourly == Decimal("37.00")
    assert LabourMarketData.current(tmp_path) is first  # cached while the file is unchanged

    set_cell(rows, {"province": "ON", "effective_from": "2025-06-27"}, "threshold_hourly", "38.5")
    write_csv(folder / INSTANCE_FILES["thresholds"], rows)
    second = LabourMarketData.current(tmp_path)
    assert second.wage_threshold("ON", date(2025, 7, 1)).hourly == Decimal("38.5")

    (folder / INSTANCE_FILES["thresholds"]).unlink()
    assert LabourMarketData.current(tmp_path) is LabourMarketData.packaged()


def test_reference_modules_do_not_import_flask_or_sqlalchemy():
    for module in ("labour_market.py", "loaders.py"):
        tree = ast.parse((Path(labour_market.__file__).parent / module).read_text())
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
        assert not imported & {"flask", "flask_sqlalchemy", "sqlalchemy"}, module
