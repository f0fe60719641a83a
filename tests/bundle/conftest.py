"""Evidence files generated in code, and a bundle context, for the bundle tests."""

import hashlib
import io
import os
from datetime import UTC, date, datetime

import docx
import pytest
from PIL import Image

from portal.bundle import BundleContext, BundleEvidence, render_pdf

EMPLOYER = "Maple Leaf Bakery Ltd."
RULE_ID = "REC-JOBMATCH"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_evidence(
    number,
    category,
    data: bytes,
    extension,
    evidence_date=date(2026, 1, 5),
    description=None,
    filename=None,
    review_status="accepted",
) -> BundleEvidence:
    return BundleEvidence(
        number=number,
        category=category,
        description=description,
        evidence_date=evidence_date,
        original_filename=filename or f"upload-{number}{extension}",
        extension=extension,
        sha256=sha256(data),
        size=len(data),
        review_status=review_status,
        open=lambda: io.BytesIO(data),
    )


def pdf_bytes(text="Job Bank advertisement", pages=1) -> bytes:
    body = "".join(
        f'<p style="page-break-after: always">{text}, page {n + 1}</p>' for n in range(pages)
    )
    return render_pdf(f"<!doctype html><html><body>{body}</body></html>")


def noise(width, height) -> Image.Image:
    return Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))


def png_bytes(width=320, height=200) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (20, 20, width - 20, height - 20))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(width=400, height=300, quality=85, image=None) -> bytes:
    image = image or Image.new("RGB", (width, height), (30, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def noise_pdf_bytes(pages, side=1000, quality=90) -> bytes:
    """A PDF of random-noise JPEG pages (about 0.9 MB a page at 1000×1000, quality 90)."""
    images = [noise(side, side) for _ in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], quality=quality)
    return buffer.getvalue()


def docx_bytes(paragraph="Interview notes for the cook position.") -> bytes:
    document = docx.Document()
    document.add_heading("Interview record", level=1)
    document.add_paragraph(paragraph)
    document.add_paragraph("First candidate", style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    for col, text in enumerate(["Candidate", "Interviewed", "Outcome"]):
        table.cell(0, col).text = text
    for col, text in enumerate(["A. Tremblay", "2026-01-12", "Declined <offer> & left"]):
        table.cell(1, col).text = text
    document.add_paragraph("Closing paragraph after the table.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


TIMELINE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="80" viewBox="0 0 600 80">'
    '<rect x="10" y="30" width="580" height="8" fill="#336"/>'
    '<text x="10" y="20" font-size="12">Job Bank 2026-01-05</text>'
    "</svg>"
)


def make_context(**overrides) -> BundleContext:
    values = {
        "employer_name": EMPLOYER,
        "employer_legal_name": "Maple Leaf Bakery Limited",
        "business_number": "123456789RT0001",
        "position_title": "Cook",
        "noc": "63200",
        "stream": "low_wage",
        "work_location": "Halifax, NS",
        "submission_date": date(2026, 3, 2),
        "generated_at": datetime(2026, 2, 20, 15, 30, tzinfo=UTC),
        "generated_by": "Jane Lawyer",
        "ruleset": "lmia-rules 2026.1",
        "reference_sources": ["ESDC Program requirements for low-wage positions (2025-11)"],
        "summary": {
            "local_applied": 14,
            "local_interviewed": 5,
            "local_offered": 2,
            "local_hired": 0,
            "foreign_applied": 3,
            "reasons_not_hired": {"lacks_experience": 4, "declined_offer": 2, "odd_code": 1},
        },
        "activities": [
            {
                "key": "job-bank",
                "method": "Job Bank",
                "where": "jobbank.gc.ca",
                "dates": "2026-01-05 to 2026-02-05",
                "groups": ["youth", "newcomers"],
            }
        ],
        "findings": [
            {
                "rule": RULE_ID,
                "severity": "error",
                "subject": "Job Match",
                "message": "Two 4-star matches were not invited.",
                "fix": "Invite them before filing.",
                "citation": "Program requirements, section 4.2",
                "waived_by": None,
                "waiver_reason": None,
            },
            {
                "rule": "ADV-WAGE",
                "severity": "warning",
                "subject": "Wage",
                "message": "The ad shows a wage range.",
                "fix": None,
                "citation": "Advertising requirements",
                "waived_by": "Jane Lawyer",
                "waiver_reason": "Range starts at the median wage.",
            },
        ],
        "timeline_svg": TIMELINE_SVG,
        "sign_off": {"signed_by": "Jane Lawyer", "signed_at": "2026-02-19 10:00", "outdated": True},
        "case_json": '{"format": "lmia-case/1", "employer": {"name": "Maple Leaf Bakery Ltd."}}\n',
    }
    values.update(overrides)
    return BundleContext(**values)


@pytest.fixture
def context():
    return make_context()
