"""Through HTTP: the compliance page, the evidence page's open requests and the bundle's index
PDF name each finding's record as the user knows it (the demo line cook: "Applicant: Maria
Gonzalez", "A1 · Job Bank"), link it on pages, and never show a path like ``applicants[1]``.
The hidden fields that key reviews and waivers keep the path."""

import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.models import Applicant, RecruitmentActivity
from tests.conftest import POSTGRES_URL, _truncate_all, build_app
from tests.factories import Factories
from tests.helpers import form_token, text_of
from tests.positions.support import make_shop, upload

LINE_COOK = Path(__file__).resolve().parents[2] / "portal" / "demo" / "line_cook_findings.json"
# The demo employer, as the line cook's file describes it.
BISTRO = {
    "legal_name": "Marchetti Hospitality Inc.",
    "operating_name": "Maple Leaf Bistro",
    "business_number": "871234563",
    "street_address": "412 Queen Street West",
    "city": "Toronto",
    "province": "ON",
    "postal_code": "M5V 2A9",
    "naics_code": "722511",
}
RAW_PATH = re.compile(r"(applicants|recruitment|payments|third_parties|job_match)[\[.]")
_INPUT = re.compile(r"<input\b[^>]*>")


@pytest.fixture
def bistro(database_url, tmp_path):
    """The demo employer with the line cook imported through the import page."""
    app = build_app(database_url, BUNDLE_INLINE=True, STORAGE_DIR=str(tmp_path / "store"))
    app.instance_path = str(tmp_path / "instance")
    if POSTGRES_URL:
        _truncate_all(app)
    shop = make_shop(app, Factories(app), **BISTRO)
    response = shop.post(f"{shop.base}/import", upload(LINE_COOK.read_bytes(), "case.json"))
    assert response.status_code == 302, text_of(response)
    shop.position_url = response.headers["Location"].rsplit("compliance", 1)[0]
    yield shop
    with app.app_context():
        db.engine.dispose()


def _row_id(app, model, **where) -> int:
    with app.app_context():
        return db.session.scalar(select(model.id).filter_by(**where))


def _visible(page: str) -> str:
    """The page without its form inputs (whose hidden values are for the server)."""
    return html.unescape(_INPUT.sub("", page))


def _links(page: str) -> dict[str, str]:
    """Each finding's subject link: {text: href}."""
    found = re.findall(r'<a class="finding-subject" href="([^"]+)">([^<]+)</a>', page)
    return {html.unescape(text): html.unescape(href) for href, text in found}


def test_the_compliance_page_names_and_links_each_record(bistro):
    page = text_of(bistro.client().get(bistro.position_url + "compliance"))
    assert "REC-RESULTS" in page  # Maria Gonzalez has no reason recorded
    assert not RAW_PATH.search(html.unescape(page)), RAW_PATH.search(html.unescape(page))
    maria = _row_id(bistro.app, Applicant, name="Maria Gonzalez")
    job_bank = _row_id(bistro.app, RecruitmentActivity, case_key="A1")
    links = _links(page)
    # The owner may edit: each link opens the record's form.
    assert links["Applicant: Maria Gonzalez"] == (f"{bistro.position_url}applicants/{maria}")
    assert links["A1 · Job Bank"] == f"{bistro.position_url}activities/{job_bank}"
    assert links["Recruitment (all activities)"] == f"{bistro.position_url}#recruitment"
    assert links["Position: Line cook · Wage offered"] == f"{bistro.position_url}edit"
    # Issue 9: payments and recruiters have pages now (Money & recruiters): the owner's links
    # open their forms.
    # The demo payment is linked to its worker and recruiter, so its label names them.
    ((label, payment),) = [item for item in links.items() if item[0].startswith("Payment 1: ")]
    assert "→ Global Kitchen Staffing, $3,000.00" in label, label
    assert re.fullmatch(rf"{bistro.position_url}money/payments/\d+/edit", payment), payment
    recruiter = links["Recruiter: Global Kitchen Staffing"]
    assert re.fullmatch(r"/employers/\d+/third-parties/\d+/edit", recruiter), recruiter
    assert bistro.client().get(payment).status_code == 200
    assert bistro.client().get(recruiter).status_code == 200


def test_a_representative_sees_names_and_rows_while_the_forms_keep_the_path(bistro):
    client = bistro.client("rep")
    page = text_of(client.get(bistro.position_url + "compliance"))
    # The review and waiver forms still key the finding by its path...
    assert 'name="subject" value="applicants[1]"' in page
    # ...and nothing else on the page shows one.
    assert not RAW_PATH.search(_visible(page))
    maria = _row_id(bistro.app, Applicant, name="Maria Gonzalez")
    href = _links(page)["Applicant: Maria Gonzalez"]
    # A representative cannot edit applicants: the link opens the (paged) log at her row.
    assert href == f"{bistro.position_url}applicants/{maria}/row"
    row = client.get(href)
    assert row.status_code == 302
    assert row.headers["Location"] == f"{bistro.position_url}applicants?page=1#applicant-{maria}"
    log = text_of(client.get(row.headers["Location"].split("#")[0]))
    assert f'<tr id="applicant-{maria}">' in log
    assert "Maria Gonzalez" in log.split(f'<tr id="applicant-{maria}">')[1].split("</tr>")[0]


def test_a_viewer_is_linked_to_the_activity_row_on_the_position_page(bistro):
    client = bistro.client("viewer")
    page = text_of(client.get(bistro.position_url + "compliance"))
    job_bank = _row_id(bistro.app, RecruitmentActivity, case_key="A1")
    href = _links(page)["A1 · Job Bank"]
    assert href == f"{bistro.position_url}#activity-{job_bank}"
    assert f'<tr id="activity-{job_bank}">' in text_of(client.get(bistro.position_url))


def test_an_open_request_about_a_finding_names_its_record(bistro):
    rep = bistro.client("rep")
    token = form_token(rep, bistro.position_url + "compliance")
    response = rep.post(
        bistro.position_url + "findings/review",
        data={
            "csrf_token": token,
            "rule_id": "REC-RESULTS",
            "subject": "applicants[1]",
            "decision": "changes_requested",
            "comment": "Record why she was not hired.",
        },
    )
    assert response.status_code == 302, text_of(response)
    page = text_of(bistro.client().get(bistro.position_url + "evidence"))
    todo = page.split('class="card todo"', 1)[1].split("</section>", 1)[0]
    assert "Record why she was not hired." in todo
    maria = _row_id(bistro.app, Applicant, name="Maria Gonzalez")
    assert _links(todo) == {"Applicant: Maria Gonzalez": f"{bistro.position_url}applicants/{maria}"}
    assert not RAW_PATH.search(_visible(page))


def _index_text(shop) -> str:
    client = shop.client()
    token = form_token(client, shop.position_url + "evidence")
    response = client.post(shop.position_url + "bundles", data={"csrf_token": token})
    assert response.status_code == 302, text_of(response)
    archive = client.get(response.headers["Location"] + "/download")
    assert archive.status_code == 200, text_of(archive)
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zf:
        index = zf.read("00-index.pdf")
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(index)).pages)
    return " ".join(text.split())


def test_the_bundle_index_names_each_finding_record(bistro):
    text = _index_text(bistro)
    assert "Compliance findings" in text and "REC-RESULTS" in text
    assert "Applicant: Maria Gonzalez" in text
    assert "A1 · Job Bank" in text
    assert "Recruiter: Global Kitchen Staffing" in text
    assert not RAW_PATH.search(text), RAW_PATH.search(text)
