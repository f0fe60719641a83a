import hashlib
import io
import subprocess
import zipfile

from PIL import Image

from portal.extensions import db
from portal.models import EvidenceFile, Position, Role
from tests.conftest import POSTGRES_URL, _truncate_all, build_app
from tests.factories import Factories
from tests.helpers import form_token, text_of
from tests.signoff.support import confirmed_sign_off


def _png(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_upload_review_sign_off_and_bundle(database_url, tmp_path):
    app = build_app(database_url, BUNDLE_INLINE=True, STORAGE_DIR=str(tmp_path / "store"))
    app.instance_path = str(tmp_path)
    if POSTGRES_URL:  # this app is not the `app` fixture, which empties the shared database
        _truncate_all(app)
    make = Factories(app)
    owner = make.user()
    employer = make.employer(owner)
    lawyer = make.user()
    make.member(employer, lawyer, Role.REPRESENTATIVE)
    owner_client = make.signed_in_client(owner)
    lawyer_client = make.signed_in_client(lawyer)
    with app.app_context():
        position = Position(
            employer_id=employer.id,
            title="Cook",
            noc_code="63200",
            stream="low_wage",
            street_address="1 Main",
            city="Toronto",
            province="ON",
            postal_code="M5V 2A9",
            wage_amount=18,
            wage_per="hour",
            hours_per_week=40,
            positions=1,
            duration_months=12,
            duties="Cook meals.",
        )
        db.session.add(position)
        db.session.commit()
        position_id = position.id
    base = f"/employers/{employer.id}/positions/{position_id}"

    def upload(client, content, name):
        token = form_token(client, f"{base}/evidence")
        return client.post(
            f"{base}/evidence",
            data={
                "csrf_token": token,
                "file": (io.BytesIO(content), name),
                "category": "ad_proof",
                "attach_to": "position",
                "evidence_date": "2026-11-01",
                "description": "Job Bank ad",
            },
            content_type="multipart/form-data",
        )

    first = _png("red")
    response = upload(owner_client, first, "ad.png")
    assert response.status_code == 302, text_of(response)
    refused = upload(owner_client, b"<html><script>alert(1)</script></html>", "ad.pdf")
    assert refused.status_code == 422
    assert "not accepted" in text_of(refused)
    with app.app_context():
        (item,) = db.session.query(EvidenceFile).all()
        assert item.sha256 == hashlib.sha256(first).hexdigest()
        item_id = item.id

    download = owner_client.get(f"{base}/evidence/{item_id}/download")
    assert download.status_code == 200
    assert download.data == first
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    token = form_token(lawyer_client, f"{base}/evidence/{item_id}")
    response = lawyer_client.post(
        f"{base}/evidence/{item_id}/review",
        data={
            "csrf_token": token,
            "decision": "changes_requested",
            "comment": "Please capture the whole page with the job number.",
        },
    )
    assert response.status_code == 302
    assert "capture the whole page" in text_of(owner_client.get(f"{base}/evidence"))

    response = upload(owner_client, _png("blue"), "ad-full.png")
    assert response.status_code == 302
    with app.app_context():
        second = db.session.query(EvidenceFile).order_by(EvidenceFile.id.desc()).first().id
    token = form_token(lawyer_client, f"{base}/evidence/{second}")
    lawyer_client.post(
        f"{base}/evidence/{second}/review",
        data={"csrf_token": token, "decision": "accepted", "comment": ""},
    )
    token = form_token(lawyer_client, f"{base}/evidence")
    # The position has open errors: the sign-off confirms them with a reason (issue 7, U2).
    body = confirmed_sign_off(text_of(lawyer_client.get(f"{base}/sign-off")), note="ok")
    response = lawyer_client.post(f"{base}/sign-off", data={"csrf_token": token, **body})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{base}/sign-off"
    assert "current" in text_of(lawyer_client.get(f"{base}/sign-off"))

    token = form_token(lawyer_client, f"{base}/evidence")
    response = lawyer_client.post(f"{base}/bundles", data={"csrf_token": token})
    assert response.status_code == 302, text_of(response)
    status = lawyer_client.get(response.headers["Location"])
    assert "Download the bundle" in text_of(status), text_of(status)
    archive = lawyer_client.get(response.headers["Location"] + "/download")
    assert archive.status_code == 200
    target = tmp_path / "unzipped"
    zipfile.ZipFile(io.BytesIO(archive.data)).extractall(target)
    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=target, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert (target / "00-index.pdf").exists()
    assert (target / "case.json").exists()


def test_employer_documents_are_shared_by_every_position(database_url, tmp_path):
    app = build_app(database_url, BUNDLE_INLINE=True, STORAGE_DIR=str(tmp_path / "store"))
    app.instance_path = str(tmp_path)
    if POSTGRES_URL:
        _truncate_all(app)
    make = Factories(app)
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)
    position_ids = []
    with app.app_context():
        for title in ("Cook", "Server"):
            position = Position(
                employer_id=employer.id,
                title=title,
                noc_code="63200",
                stream="low_wage",
                street_address="1 Main",
                city="Toronto",
                province="ON",
                postal_code="M5V 2A9",
                wage_amount=18,
                wage_per="hour",
                hours_per_week=40,
                positions=1,
                duration_months=12,
                duties="Serve.",
            )
            db.session.add(position)
            db.session.commit()
            position_ids.append(position.id)
    first, second = (f"/employers/{employer.id}/positions/{pid}" for pid in position_ids)
    token = form_token(client, f"{first}/evidence")
    response = client.post(
        f"{first}/evidence",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(_png("green")), "licence.png"),
            "category": "business_document",
            "attach_to": "employer",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text_of(response)
    with app.app_context():
        (item,) = db.session.query(EvidenceFile).filter_by(employer_id=employer.id).all()
        assert item.position_id is None
    assert "licence.png" in text_of(client.get(f"{second}/evidence"))
    assert client.get(f"{second}/evidence/{item.id}/download").status_code == 200
    token = form_token(client, f"{second}/evidence/{item.id}")
    refused = client.post(f"{second}/evidence/{item.id}/delete", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "belongs to the employer" in text_of(refused)


def test_a_refused_retention_date_is_shown_on_its_field(database_url, tmp_path):
    app = build_app(database_url, STORAGE_DIR=str(tmp_path / "store"))
    app.instance_path = str(tmp_path)
    if POSTGRES_URL:
        _truncate_all(app)
    make = Factories(app)
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)
    with app.app_context():
        position = Position(
            employer_id=employer.id,
            title="Cook",
            noc_code="63200",
            stream="low_wage",
            street_address="1 Main",
            city="Toronto",
            province="ON",
            postal_code="M5V 2A9",
            wage_amount=18,
            wage_per="hour",
            hours_per_week=40,
            positions=1,
            duration_months=12,
            duties="Cook.",
        )
        db.session.add(position)
        db.session.commit()
        url = f"/employers/{employer.id}/positions/{position.id}"
    token = form_token(client, f"{url}/evidence")
    response = client.post(
        f"{url}/retention", data={"csrf_token": token, "first_work_day": "2026-02-30"}
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "first day of work:" in page, page[page.find("Retention") :][:1500]
    with app.app_context():
        assert db.session.get(Position, position.id).first_work_day is None
