"""A position's issued, signed employment agreement in the bundle the button builds (issue 8).

One worker whose offer pays less than the position (a WAGE-AD-OFFER error): the
representative waives the errors with a reason, the owner generates and issues the agreement,
both sides sign, the signed scan is uploaded as the worker's signed_offer evidence; the bundle is
then built through HTTP and its ZIP and index PDF are read.
"""

import io
import re
import zipfile
from datetime import date

import pytest
from flask import g
from pypdf import PdfReader

from portal.extensions import db
from portal.models import Employer, Position, Role, Waiver, Worker
from portal.offers import services as offers
from tests.bundle.conftest import pdf_bytes, sha256
from tests.evidence_views.support import make_locker

TORONTO = {
    "street": "1 King St W",
    "city": "Toronto",
    "province": "ON",
    "postal_code": "M5H 1A1",
}
OFFER = {
    "date": "2026-11-02",
    "worker_name": "Maria Santos",
    "employer_legal_name": "Maple Diner Ltd.",
    "title": "Line Cook",
    "noc": "63200",
    "duties": "Prepare and cook complete meals.",
    "work_location": TORONTO,
    "wage": {"amount": 17.0, "per": "hour"},  # the position pays $18.50
    "hours_per_week": 40,
    "overtime": "1.5 times after 44 hours a week",
    "vacation": "2 weeks a year",
    "start_date": "2027-03-01",
    "duration_months": 12,
    "states_no_fees": True,
    "language": "fr",
    "pay_frequency": "biweekly",
}
REASON = "Raise to $18.50 agreed in writing on 2026-11-02; letter to follow."


def page_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


@pytest.fixture
def issued(database_url, tmp_path):
    """The locker with a worker whose agreement is issued (errors waived) and signed."""
    locker = make_locker(database_url, tmp_path)
    owner = locker.user(Role.OWNER)
    lawyer = locker.user(Role.REPRESENTATIVE)
    with locker.app.app_context():
        g.employer = db.session.get(Employer, locker.employer_id)
        g.audit_actor_id = owner.id
        position = db.session.get(Position, locker.position_id)
        worker = Worker(
            employer_id=locker.employer_id,
            position_id=position.id,
            name="Maria Santos",
            language="fr",
            offer=dict(OFFER),
        )
        db.session.add(worker)
        db.session.commit()
        errors = offers.blocking_errors(position, worker, date.today())
        assert "WAGE-AD-OFFER" in {item.finding.rule for item in errors}  # the premise
        for item in errors:
            db.session.add(
                Waiver(
                    employer_id=locker.employer_id,
                    position_id=position.id,
                    rule_id=item.finding.rule,
                    subject=item.finding.subject,
                    reason=REASON,
                    waived_by_id=lawyer.id,
                )
            )
        db.session.commit()
        waived = sorted({item.finding.rule for item in errors})
        version = offers.generate_version(position, worker, owner.id)
        db.session.commit()
        offers.issue(version, owner.id)
        offers.record_signatures(
            worker,
            {
                "employer_name": "Olivia Owner",
                "employer_on": date(2026, 11, 3),
                "worker_name": "Maria Santos",
                "worker_on": date(2026, 11, 4),
            },
        )
        db.session.commit()
        locker.worker_id, locker.waived = worker.id, waived
        locker.letter = (version.number, version.pdf_sha256)
    scan = pdf_bytes("Signed agreement, Maria Santos")
    uploaded = locker.upload(
        scan,
        "signed-agreement.pdf",
        category="signed_offer",
        worker_id=str(locker.worker_id),
        description="Signed by both",
        evidence_date="2026-11-04",
    )
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)[:2000]
    return locker


def bundle_of(locker, **choice) -> dict[str, bytes]:
    started = locker.post("/bundles", choice)
    assert started.status_code in (302, 303), started.status_code
    download = locker.client().get(started.headers["Location"] + "/download")
    assert download.status_code == 200, download.status_code
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_issued_signed_agreement_is_in_the_bundle(issued):
    members = bundle_of(issued)

    number, pdf_sha = issued.letter
    name = f"agreement-01-maria-santos-v{number}.pdf"
    assert list(members)[-3:] == [name, "case.json", "SHA256SUMS"]
    assert sha256(members[name]) == pdf_sha
    assert f"{pdf_sha}  {name}" in members["SHA256SUMS"].decode()
    letter = page_text(members[name])
    assert "Maria Santos" in letter
    assert "DRAFT" not in letter  # issued with its errors waived, not a draft
    assert "01-signed-offer-2026-11-04.pdf" in members


def test_the_index_lists_the_agreement_its_signatures_and_waivers(issued):
    text = page_text(bundle_of(issued)["00-index.pdf"])

    start = text.index("Employment agreements Worker")
    listed = text[start : text.index("Evidence No.", start)]
    number, pdf_sha = issued.letter
    assert f"Version {number} (French), issued " in listed
    assert "by Olivia Owner" in listed
    assert pdf_sha in listed.replace(" ", "")
    assert "Signed by the employer on 2026-11-03 (Olivia Owner)" in listed
    assert "Signed by the worker on 2026-11-04 (Maria Santos)" in listed
    assert "Signed copy: evidence no. 1" in listed
    for rule in issued.waived:
        assert f"Issued with a waived error: {rule}" in listed.replace("- ", "-")
    assert f"waived by Representative Person: {REASON}" in listed
    assert "Employment agreements still open" not in text


def test_the_findings_section_shows_the_worker_s_waived_findings(issued):
    text = page_text(bundle_of(issued)["00-index.pdf"])

    start = text.index("Compliance findings")
    findings = text[start : text.index("Employment agreements Worker", start)]
    assert "Worker: Maria Santos · job offer" in findings
    assert f"Waived by Representative Person: {REASON}" in findings


def test_an_offer_changed_after_issuing_is_out_of_date_in_the_index(issued):
    with issued.app.app_context():
        worker = db.session.get(Worker, issued.worker_id)
        worker.offer = {**worker.offer, "hours_per_week": 35}
        g.audit_actor_id = issued.users[Role.OWNER].id
        db.session.commit()

    text = page_text(bundle_of(issued)["00-index.pdf"])

    number, _sha = issued.letter
    assert f"Maria Santos: version {number} is out of date" in text
    assert "Out of date: the position or the offer changed after this version was issued." in text


# --- Issue 13: the index in French -------------------------------------------------------------


def test_the_sign_off_page_offers_the_index_in_english_or_french(issued):
    page = issued.client().get(f"{issued.base}/sign-off").get_data(as_text=True)

    select = page.split('name="language"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option[^>]*value="(\w+)"', select) == ["en", "fr"]
    assert re.search(r'<option selected value="en">|<option value="en" selected', select)


def test_a_bundle_asked_for_in_french_has_its_index_in_french(issued):
    text = page_text(bundle_of(issued, language="fr")["00-index.pdf"])

    assert text.startswith("Dossier de dépôt d'EIMT")
    assert "Employeur : " in text and "Contrats de travail" in text
    assert "Signé par l'employeur le 2026-11-03 (Olivia Owner)" in text
    assert "Copie signée : preuve n° 1" in text
    assert "Offre d'emploi signée" in text  # the evidence category, as the French form says it
    # The findings' messages and fixes come from the rules' French, not their English.
    assert "Correctif :" in text and "Fix:" not in text
    assert "Employment agreements" not in text and "Compliance findings" not in text
    with issued.app.app_context():
        from portal.models import BundleJob

        assert [job.language for job in db.session.query(BundleJob)] == ["fr"]


def test_an_unknown_index_language_is_a_400_naming_the_field_and_starts_nothing(issued):
    from portal.models import BundleJob

    response = issued.post("/bundles", {"language": "de"})

    assert response.status_code == 400
    assert "language: one of en, fr." in response.get_data(as_text=True)
    with issued.app.app_context():
        assert db.session.query(BundleJob).count() == 0
