"""``flask refdata``: validate a file, then install it in <instance>/reference/, or refuse it."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from portal.commands.refdata import refdata
from portal.extensions import db
from portal.reference.labour_market import INSTANCE_FILES, LabourMarketData
from tests.conftest import build_app
from tests.reference.support import packaged_rows, set_cell, wage_rows, write_csv


@pytest.fixture
def cli_app(database_url, tmp_path):
    app = build_app(database_url)
    app.instance_path = str(tmp_path / "instance")
    app.cli.add_command(refdata)
    yield app
    with app.app_context():
        db.engine.dispose()


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["refdata", *args])


def _installed(app) -> list[str]:
    """Everything in <instance>/reference/ (temporary files included)."""
    folder = Path(app.instance_path) / "reference"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_load_wages_installs_a_valid_file(cli_app, tmp_path):
    rows = wage_rows("63200", "65201")
    set_cell(
        rows,
        {"NOC_CNP": "NOC_63200", "ER_Code_Code_RE": "ER3530"},
        "Median_Wage_Salaire_Median",
        "19.25",
    )
    upload = write_csv(tmp_path / "2a71-das-wage2025opendata.csv", rows)

    result = _run(cli_app, "load-wages", str(upload))

    assert result.exit_code == 0, result.output
    assert "172 rows, as of 2025-11-19" in result.output
    assert _installed(cli_app) == [INSTANCE_FILES["wages"]]
    installed = tmp_path / "instance" / "reference" / INSTANCE_FILES["wages"]
    assert installed.read_bytes() == upload.read_bytes()
    current = LabourMarketData.current(cli_app.instance_path)
    assert current.prevailing_wage("63200", "ER3530", "ON").hourly == Decimal("19.25")
    assert current.prevailing_wage("21231", "ER3530", "ON") is None
    assert current.version in result.output


def test_load_wages_refuses_a_bad_file_and_installs_nothing(cli_app, tmp_path):
    header, *body = wage_rows("63200")
    drop = header.index("Reference_Period")
    rows = [[cell for i, cell in enumerate(row) if i != drop] for row in (header, *body)]
    upload = write_csv(tmp_path / "wages.csv", rows)

    result = _run(cli_app, "load-wages", str(upload))

    assert result.exit_code == 1
    assert "wages.csv, line 1, column Reference_Period: is missing" in result.output
    assert _installed(cli_app) == []
    assert LabourMarketData.current(cli_app.instance_path) is LabourMarketData.packaged()


def test_a_refused_file_leaves_the_installed_one_in_place(cli_app, tmp_path):
    good = write_csv(tmp_path / "good.csv", wage_rows("63200"))
    assert _run(cli_app, "load-wages", str(good)).exit_code == 0
    rows = wage_rows("63200")
    rows[7][rows[0].index("Median_Wage_Salaire_Median")] = "eighteen"
    bad = write_csv(tmp_path / "bad.csv", rows)

    result = _run(cli_app, "load-wages", str(bad))

    assert result.exit_code == 1
    assert "bad.csv, line 8, column Median_Wage_Salaire_Median" in result.output
    assert _installed(cli_app) == [INSTANCE_FILES["wages"]]
    installed = tmp_path / "instance" / "reference" / INSTANCE_FILES["wages"]
    assert installed.read_bytes() == good.read_bytes()


def test_load_thresholds_and_cma_then_show(cli_app, tmp_path):
    thresholds = packaged_rows("thresholds")
    thresholds.append(["ON", "2026-04-01", "", "37.20", "median + 20%", "ESDC median-wage page"])
    set_cell(
        thresholds, {"province": "ON", "effective_from": "2025-06-27"}, "effective_to", "2026-03-31"
    )
    cma = packaged_rows("cma_list")
    cma.append(["2026-04-10", "2026-07-09", "Windsor", "ON", "10.8", "ESDC"])

    loaded = _run(cli_app, "load-thresholds", str(write_csv(tmp_path / "t.csv", thresholds)))
    listed = _run(cli_app, "load-cma", str(write_csv(tmp_path / "c.csv", cma)))
    shown = _run(cli_app, "show")

    assert loaded.exit_code == 0, loaded.output
    assert listed.exit_code == 0, listed.output
    assert _installed(cli_app) == sorted([INSTANCE_FILES["thresholds"], INSTANCE_FILES["cma_list"]])
    current = LabourMarketData.current(cli_app.instance_path)
    assert current.wage_threshold("ON", date(2026, 4, 1)).hourly == Decimal("37.20")
    assert current.cma_refusal("Windsor", date(2026, 5, 1)).status == "refused"
    assert current.cma_refusal("Toronto", date(2026, 5, 1)).status == "not_listed"
    assert shown.exit_code == 0, shown.output
    assert f"Reference data {current.version}" in shown.output
    assert "High-wage / low-wage thresholds: 79 rows, as of 2026-04-01" in shown.output
    assert "Job Bank wages (prevailing wage): 430 rows, as of 2025-11-19" in shown.output
    assert "(packaged)" in shown.output
    assert INSTANCE_FILES["cma_list"] in shown.output


def test_show_with_nothing_installed(cli_app):
    result = _run(cli_app, "show")

    assert result.exit_code == 0, result.output
    assert f"Reference data {LabourMarketData.packaged().version}" in result.output
    assert result.output.count("(packaged)") == 5
    assert "Only 5 of 516 NOCs" in result.output


def test_load_refuses_a_missing_path(cli_app, tmp_path):
    result = _run(cli_app, "load-cma", str(tmp_path / "missing.csv"))

    assert result.exit_code == 2
    assert _installed(cli_app) == []
