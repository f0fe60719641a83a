"""``workers`` and ``offer-letter`` as a user runs them, on a migrated database seeded by
``seed-demo`` (issue 8): the demo chef's worker has a clean English offer, the line cook's a
French one paying $17.00 where the position pays $17.50."""

import hashlib
import io
import json
import re
import sqlite3

import docx
import pytest
from pypdf import PdfReader

from portal.commands.demo import DEMO_CASES, DEMO_DIR
from tests.cli.support import demo_shell, ok

CHEF, COOK = 1, 2  # position ids, in seed-demo's order (DEMO_CASES)


def demo_workers() -> list[dict]:
    """The workers the packaged demo files name, in seeding order (ids 1, 2, …)."""
    workers = []
    for name in DEMO_CASES:
        document = json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))
        workers += document["workers"]
    return workers


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)  # NBSPs too (French "17,00 $")


def pdf_text(data: bytes) -> str:
    return squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return squash(" ".join([p.text for p in document.paragraphs] + cells))


def test_the_demo_names_one_worker_for_each_position():
    chef, cook = demo_workers()

    assert (chef["language"], chef["offer"]["wage"]["amount"]) == ("en", 38.5)
    assert (cook["language"], cook["offer"]["wage"]["amount"]) == ("fr", 17.0)


def test_workers_lists_one_worker_a_line(shell):
    chef, cook = demo_workers()

    result = ok(shell.flask("workers"))

    assert result.stdout == f"{CHEF} 1 {chef['name']}\n{COOK} 2 {cook['name']}\n"
    assert result.stderr == ""


def test_workers_of_one_position(shell):
    _chef, cook = demo_workers()

    result = ok(shell.flask("workers", "--position", str(COOK)))

    assert result.stdout == f"{COOK} 2 {cook['name']}\n"


def test_workers_of_an_unknown_position_says_so(shell):
    result = shell.flask("workers", "--position", "987654")

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().endswith("Error: no position 987654")
    assert "Traceback" not in result.stderr


def written(shell, result, name) -> bytes:
    data = (shell.home / name).read_bytes()
    assert result.stdout == (
        f"{name}  {len(data)} bytes  sha256 {hashlib.sha256(data).hexdigest()}\n"
    )
    return data


def test_offer_letter_writes_the_chef_s_pdf(shell):
    chef, _cook = demo_workers()

    result = ok(shell.flask("offer-letter", str(CHEF), "--worker", "1", "--out", "chef.pdf"))

    data = written(shell, result, "chef.pdf")
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert chef["name"] in text
    assert "$38.50" in text
    assert "DRAFT" not in text  # the chef's offer is clean
    assert result.stderr == ""


def test_offer_letter_writes_the_line_cook_s_docx_in_french_marked_draft(shell):
    _chef, cook = demo_workers()

    result = ok(shell.flask("offer-letter", str(COOK), "--worker", "2", "--out", "cook.docx"))

    data = written(shell, result, "cook.docx")
    document = docx.Document(io.BytesIO(data))
    text = docx_text(data)
    assert cook["name"] in text
    assert "17,00 $" in text
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    assert "ÉBAUCHE" in header  # DRAFT, in French
    assert "DRAFT" in result.stderr  # the wage below the position's is an unwaived error


def test_offer_letter_in_the_other_language(shell):
    _chef, cook = demo_workers()

    result = ok(
        shell.flask(
            "offer-letter", str(COOK), "--worker", "2", "--out", "cook-en.pdf", "--lang", "en"
        )
    )

    text = pdf_text(written(shell, result, "cook-en.pdf"))
    assert cook["name"] in text
    assert "$17.00" in text and "17,00 $" not in text
    assert "DRAFT" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("987654", "--worker", "1", "--out", "x.pdf"), "Error: no position 987654"),
        ((str(CHEF), "--worker", "987654", "--out", "x.pdf"), "Error: no worker 987654 on "),
        ((str(CHEF), "--worker", "2", "--out", "x.pdf"), "Error: no worker 2 on position 1"),
        (
            (str(CHEF), "--worker", "1", "--out", "x.odt"),
            "Error: --out must end in .pdf or .docx",
        ),
        ((str(CHEF), "--worker", "1", "--out", "x"), "Error: --out must end in .pdf or .docx"),
        (
            (str(CHEF), "--worker", "1", "--out", "missing/x.pdf"),
            "Error: no folder 'missing' to write 'x.pdf' in",
        ),
    ],
)
def test_offer_letter_refuses_and_writes_nothing(shell, args, message):
    before = sorted(p.name for p in shell.home.iterdir())

    result = shell.flask("offer-letter", *args)

    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in shell.home.iterdir()) == before


def test_offer_letter_accepts_an_upper_case_extension(shell):
    result = ok(shell.flask("offer-letter", str(CHEF), "--worker", "1", "--out", "CHEF.PDF"))

    assert written(shell, result, "CHEF.PDF").startswith(b"%PDF-")


def test_workers_keeps_one_line_for_a_blank_or_multi_line_name(tmp_path):
    """A worker imported without a name, or with a line break in it, stays on one line (and a
    worker without an offer has no letter yet)."""
    shell, seeded = demo_shell(tmp_path)
    ok(seeded)
    with sqlite3.connect(shell.home / "demo.sqlite3") as database:
        for name in (None, "  Ana\nMaria   Cruz "):
            database.execute(
                "INSERT INTO workers (employer_id, position_id, created_at, name, version)"
                " VALUES (1, ?, '2026-12-01 10:00:00', ?, 1)",
                (COOK, name),
            )
    database.close()

    result = ok(shell.flask("workers", "--position", str(COOK)))

    cook = demo_workers()[1]
    assert result.stdout == f"{COOK} 2 {cook['name']}\n{COOK} 3 -\n{COOK} 4 Ana Maria Cruz\n"
    no_offer = shell.flask("offer-letter", str(COOK), "--worker", "3", "--out", "x.pdf")
    assert no_offer.returncode == 1
    assert "Error: worker 3 has no job offer yet" in no_offer.stderr
    assert "Traceback" not in no_offer.stderr
    assert not (shell.home / "x.pdf").exists()
