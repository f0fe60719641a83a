"""The loaders refuse bad files, saying which file, line and column, and replace nothing."""

from datetime import date
from decimal import Decimal

import pytest

from portal.reference import loaders
from portal.reference.labour_market import PACKAGED_DIR, LabourMarketData
from portal.reference.loaders import ReferenceDataError, Source
from tests.reference.support import packaged_rows, set_cell, wage_rows, write_csv


@pytest.fixture(scope="module")
def data():
    return LabourMarketData.packaged()


def _refused(load, path) -> ReferenceDataError:
    with pytest.raises(ReferenceDataError) as caught:
        load(path)
    return caught.value


def _where(error: ReferenceDataError):
    return error.file, error.line, error.column


# Header --------------------------------------------------------------------------------------


def test_missing_column_is_refused(data, tmp_path):
    rows = [row[:4] + row[5:] for row in packaged_rows("thresholds")]  # no "basis"
    error = _refused(data.with_thresholds, write_csv(tmp_path / "thresholds.csv", rows))

    assert _where(error) == ("thresholds.csv", 1, "basis")
    assert str(error).startswith("thresholds.csv, line 1, column basis: is missing")


def test_missing_wage_column_is_refused(data, tmp_path):
    header, *body = wage_rows("63200")
    drop = header.index("Median_Wage_Salaire_Median")
    rows = [[cell for i, cell in enumerate(row) if i != drop] for row in (header, *body)]
    error = _refused(data.with_wages, write_csv(tmp_path / "wages.csv", rows))

    assert _where(error) == ("wages.csv", 1, "Median_Wage_Salaire_Median")


def test_unexpected_column_is_refused(data, tmp_path):
    rows = [[*row, "x"] for row in packaged_rows("cma_list")]
    rows[0][-1] = "notes"
    error = _refused(data.with_cma_list, write_csv(tmp_path / "cma.csv", rows))

    assert _where(error) == ("cma.csv", 1, "notes")


def test_columns_may_come_in_another_order(data, tmp_path):
    rows = [list(reversed(row)) for row in packaged_rows("thresholds")]
    reordered = data.with_thresholds(write_csv(tmp_path / "thresholds.csv", rows))

    assert reordered.wage_threshold("ON", date(2025, 7, 1)).hourly == Decimal("36.00")


def test_empty_and_non_utf8_files_are_refused(data, tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    assert "is empty" in str(_refused(data.with_thresholds, tmp_path / "empty.csv"))

    header_only = tmp_path / "header.csv"
    write_csv(header_only, packaged_rows("thresholds")[:1])
    assert "has no data rows" in str(_refused(data.with_thresholds, header_only))

    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(
        b"period_from,period_to,cma,province,unemployment_rate,source\n"
        b"2025-04-04,2025-07-10,Montr\xe9al,QC,6.7,esdc\n"
    )
    assert _where(_refused(data.with_cma_list, latin1)) == ("latin1.csv", 2, None)


def test_byte_order_mark_is_accepted(data, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (PACKAGED_DIR / "cma_refusal_list.csv").read_bytes())

    assert data.with_cma_list(path).cma_refusal("Toronto", date(2025, 5, 1)).status == "refused"


def test_a_missing_file_is_refused_by_name(data, tmp_path):
    error = _refused(data.with_wages, tmp_path / "nowhere.csv")

    assert error.file == "nowhere.csv"
    assert "cannot be read" in str(error)


# Cells ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("match", "column", "value", "problem"),
    [
        (
            {"province": "ON", "effective_from": "2024-04-02"},
            "effective_from",
            "2024-13-01",
            "date",
        ),
        ({"province": "ON", "effective_from": "2024-04-02"}, "effective_to", "7/11/2024", "date"),
        (
            {"province": "ON", "effective_from": "2024-04-02"},
            "threshold_hourly",
            "$28.39",
            "amount",
        ),
        ({"province": "ON", "effective_from": "2024-04-02"}, "threshold_hourly", "", "empty"),
        ({"province": "ON", "effective_from": "2024-04-02"}, "province", "Ont.", "province"),
        (
            {"province": "ON", "effective_from": "2024-04-02"},
            "effective_to",
            "2024-03-01",
            "before",
        ),
    ],
)
def test_bad_threshold_cell_is_refused_at_its_line_and_column(
    data, tmp_path, match, column, value, problem
):
    rows = packaged_rows("thresholds")
    line = 1 + next(
        i for i, row in enumerate(rows) if row[:2] == [match["province"], match["effective_from"]]
    )
    set_cell(rows, match, column, value)
    before = data.version

    error = _refused(data.with_thresholds, write_csv(tmp_path / "thresholds.csv", rows))

    assert _where(error) == ("thresholds.csv", line, column)
    assert problem in error.problem
    assert data.version == before  # nothing replaced


def test_bad_cma_date_is_refused(data, tmp_path):
    rows = packaged_rows("cma_list")
    rows[5][1] = "2025-07-32"
    error = _refused(data.with_cma_list, write_csv(tmp_path / "cma.csv", rows))

    assert _where(error) == ("cma.csv", 6, "period_to")
    assert "'2025-07-32' is not a date (YYYY-MM-DD)" in str(error)


def test_row_with_the_wrong_number_of_values_is_refused(data, tmp_path):
    rows = packaged_rows("thresholds")
    rows[3] = rows[3][:-1]
    error = _refused(data.with_thresholds, write_csv(tmp_path / "thresholds.csv", rows))

    assert _where(error) == ("thresholds.csv", 4, None)


# Thresholds: overlapping periods -------------------------------------------------------------


def test_overlapping_threshold_periods_are_refused(data, tmp_path):
    rows = packaged_rows("thresholds")
    set_cell(rows, {"province": "ON", "effective_from": "2024-11-08"}, "effective_to", "2025-06-27")
    line = 1 + next(i for i, row in enumerate(rows) if row[:2] == ["ON", "2025-06-27"])

    error = _refused(data.with_thresholds, write_csv(tmp_path / "thresholds.csv", rows))

    assert _where(error) == ("thresholds.csv", line, "effective_from")
    assert "ON 2025-06-27 to (open) overlaps line" in str(error)


def test_two_open_ended_periods_for_one_province_overlap(data, tmp_path):
    rows = packaged_rows("thresholds")
    rows.append(["AB", "2026-04-01", "", "37.00", "median + 20%", "esdc"])

    error = _refused(data.with_thresholds, write_csv(tmp_path / "thresholds.csv", rows))

    assert _where(error) == ("thresholds.csv", len(rows), "effective_from")


def test_adjacent_periods_and_other_provinces_do_not_overlap(data, tmp_path):
    rows = packaged_rows("thresholds")
    rows.append(["PE", "", "2020-05-10", "19.00", "median", "esdc"])
    rows.append(["PE", "2022-01-18", "2022-05-03", "20.50", "median", "esdc"])

    loaded = data.with_thresholds(write_csv(tmp_path / "thresholds.csv", rows))

    assert loaded.wage_threshold("PE", date(2020, 5, 10)).hourly == Decimal("19.00")
    assert loaded.wage_threshold("PE", date(2020, 5, 11)).hourly == Decimal("20.00")
    assert loaded.wage_threshold("PE", date(2022, 1, 17)).hourly == Decimal("20.00")
    assert loaded.wage_threshold("PE", date(2022, 1, 18)).hourly == Decimal("20.50")
    assert loaded.wage_threshold("PE", date(2022, 5, 3)).hourly == Decimal("20.50")
    assert loaded.wage_threshold("PE", date(2022, 5, 4)).hourly == Decimal("21.63")
    assert loaded.wage_threshold("NS", date(2022, 5, 3)) is None


# CMA list ------------------------------------------------------------------------------------


def test_overlapping_cma_periods_are_refused(data, tmp_path):
    rows = packaged_rows("cma_list")
    rows.append(["2026-04-09", "2026-07-09", "Toronto", "ON", "8.9", "esdc"])

    error = _refused(data.with_cma_list, write_csv(tmp_path / "cma.csv", rows))

    assert _where(error) == ("cma.csv", len(rows), "period_from")
    assert "overlaps period 2026-01-09 to 2026-04-09 (line 101)" in str(error)


def test_a_cma_listed_twice_in_a_period_is_refused(data, tmp_path):
    rows = packaged_rows("cma_list")
    rows.append(["2025-04-04", "2025-07-10", "MONTREAL", "QC", "6.7", "esdc"])

    error = _refused(data.with_cma_list, write_csv(tmp_path / "cma.csv", rows))

    assert _where(error) == ("cma.csv", len(rows), "cma")


def test_a_second_quarter_answers_for_its_own_dates(data, tmp_path):
    rows = packaged_rows("cma_list")
    rows.append(["2026-04-10", "2026-07-09", "Windsor", "ON", "10.8", "esdc"])
    loaded = data.with_cma_list(write_csv(tmp_path / "cma.csv", rows))

    assert loaded.cma_refusal("Windsor", date(2026, 4, 10)).unemployment_rate == Decimal("10.8")
    assert loaded.cma_refusal("Toronto", date(2026, 4, 10)).status == "not_listed"
    assert loaded.cma_refusal("Toronto", date(2026, 4, 9)).status == "refused"
    assert loaded.cma_refusal("Toronto", date(2026, 7, 10)).status == "unknown"
    assert loaded.sources[4].as_of == "2026-07-09"


def test_an_empty_rate_is_accepted_and_read_as_unknown(data, tmp_path):
    rows = [packaged_rows("cma_list")[0]]
    rows.append(["2026-04-10", "2026-07-09", "Windsor", "ON", "", "esdc"])
    rows.append(["2026-04-10", "2026-07-09", "Barrie", "ON", "7.0", "esdc"])
    loaded = data.with_cma_list(write_csv(tmp_path / "cma.csv", rows))

    windsor = loaded.cma_refusal("Windsor", date(2026, 5, 1))
    assert (windsor.status, windsor.unemployment_rate) == ("refused", None)
    assert loaded.cma_refusal("Barrie", date(2026, 5, 1)).unemployment_rate == Decimal("7.0")


def test_a_rate_that_is_not_a_number_is_still_refused(data, tmp_path):
    rows = [packaged_rows("cma_list")[0]]
    rows.append(["2026-04-10", "2026-07-09", "Windsor", "ON", "n/a", "esdc"])

    error = _refused(data.with_cma_list, write_csv(tmp_path / "cma.csv", rows))

    assert _where(error) == ("cma.csv", 2, "unemployment_rate")


def test_a_cma_may_be_listed_once_per_province_in_a_period(data, tmp_path):
    rows = [packaged_rows("cma_list")[0]]
    rows.append(["2026-04-10", "2026-07-09", "Ottawa-Gatineau", "ON", "6.4", "esdc"])
    rows.append(["2026-04-10", "2026-07-09", "Ottawa – Gatineau", "QC", "6.5", "esdc"])
    loaded = data.with_cma_list(write_csv(tmp_path / "cma.csv", rows))

    assert loaded.cma_refusal("Ottawa-Gatineau", date(2026, 5, 1), "QC").province == "QC"
    rows.append(["2026-04-10", "2026-07-09", "OTTAWA - GATINEAU", "ON", "6.4", "esdc"])
    error = _refused(data.with_cma_list, write_csv(tmp_path / "cma2.csv", rows))
    assert _where(error) == ("cma2.csv", 4, "cma")
    assert "(ON) is listed twice (first on line 2)" in str(error)


# Job Bank wages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("NOC_CNP", "NOC_6320", "is not a Job Bank NOC"),
        ("NOC_CNP", "NOC_99999", "is not a NOC 2021 unit group"),
        ("ER_Code_Code_RE", "ER9999", "is not a region"),
        ("prov", "PE", "is not the province of ER3530"),
        ("Median_Wage_Salaire_Median", "18,00", "is not an amount"),
        ("Revision_Date_Date_revision", "19/11/2025", "is not a date"),
        ("Annual_Wage_Flag_Salaire_annuel", "Y", "is not 0 (hourly) or 1 (annual)"),
    ],
)
def test_bad_wage_cell_is_refused_at_its_line_and_column(data, tmp_path, column, value, problem):
    rows = wage_rows("63200")
    line = 1 + next(i for i, row in enumerate(rows) if row[4] == "ER3530")
    set_cell(rows, {"ER_Code_Code_RE": "ER3530"}, column, value)

    error = _refused(data.with_wages, write_csv(tmp_path / "wages.csv", rows))

    assert _where(error) == ("wages.csv", line, column)
    assert problem in error.problem


def test_duplicate_wage_row_is_refused(data, tmp_path):
    rows = wage_rows("63200")
    rows.append(list(rows[5]))

    error = _refused(data.with_wages, write_csv(tmp_path / "wages.csv", rows))

    assert _where(error) == ("wages.csv", len(rows), "ER_Code_Code_RE")
    assert "repeats line 6" in str(error)


def test_line_numbers_count_quoted_line_breaks(data, tmp_path):
    rows = wage_rows("63200")
    comment = rows[0].index("Wage_Comment_E")
    rows[1][comment] = "first line\nsecond line\nthird line"
    rows[2][rows[0].index("prov")] = "QC"

    error = _refused(data.with_wages, write_csv(tmp_path / "wages.csv", rows))

    assert _where(error) == ("wages.csv", 5, "prov")  # header, a 3-line row, then this one


def test_loaded_wage_file_counts_every_row_and_keeps_published_ones():
    regions = loaders.load_economic_regions(PACKAGED_DIR / "jobbank_economic_regions.csv")
    wages = loaders.load_wages(PACKAGED_DIR / "jobbank_wages_2025_subset.csv", regions)

    assert wages.count == 430
    assert len(wages.rows) == 430 - 69  # 69 rows have a blank median
    assert {row.noc for row in wages.rows} == {"00010", "21231", "63200", "65201", "73300"}
    assert sum(row.annual for row in wages.rows) == 52


def test_source_bytes_are_what_is_validated(data):
    source = Source.read(PACKAGED_DIR / "cma_refusal_list.csv")
    damaged = Source("cma_refusal_list.csv", source.data.replace(b"2025-04-03", b"2025-04-xx", 1))

    assert data.with_cma_list(source).version == data.version
    assert _where(_refused(data.with_cma_list, damaged)) == ("cma_refusal_list.csv", 2, "period_to")


def test_packaged_region_file_maps_job_bank_provinces_to_iso():
    regions = loaders.load_economic_regions(PACKAGED_DIR / "jobbank_economic_regions.csv")

    assert regions.count == 86
    assert regions.jobbank_provinces["PEI"] == "PE"
    assert regions.jobbank_provinces["YK"] == "YT"
    assert regions.jobbank_provinces["NWT"] == "NT"
    assert regions.jobbank_provinces["NAT"] is None
