"""Evidence benchmark: upload throughput through the real view, and a 100-file bundle."""

import io
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

from PIL import Image

UPLOADS = 100


def _files(count: int):
    """A realistic mix: phone screenshots (PNG), scans (JPEG) and notes (TXT)."""
    for n in range(count):
        kind = n % 3
        if kind == 2:
            body = (f"Interview notes {n}\n" + "Candidate answered questions. " * 300).encode()
            yield f"notes-{n}.txt", body
            continue
        image = Image.frombytes("RGB", (360, 640), os.urandom(360 * 640 * 3))
        buffer = io.BytesIO()
        image.save(buffer, "PNG" if kind == 0 else "JPEG", quality=80)
        yield f"capture-{n}.{'png' if kind == 0 else 'jpg'}", buffer.getvalue()


def bench_evidence() -> dict:
    from datetime import date
    from decimal import Decimal

    from bench.run import make_app, signed_in_client
    from portal.models import Membership, Position, Role
    from tests.factories import Factories

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        app, db = make_app(work / "bench.sqlite3")
        app.config.update(BUNDLE_INLINE=True, STORAGE_DIR=str(work / "store"))
        app.instance_path = str(work)
        make = Factories(app)
        owner = make.user()
        employer = make.employer(owner)
        with app.app_context():
            position = Position(
                employer_id=employer.id,
                title="Cook",
                noc_code="63200",
                stream="low_wage",
                street_address="1 King St W",
                city="Toronto",
                province="ON",
                postal_code="M5H 1A1",
                wage_amount=Decimal("18.50"),
                wage_per="hour",
                hours_per_week=Decimal(40),
                positions=1,
                duration_months=12,
                duties="Prepare and cook meals.",
                planned_submission_date=date(2026, 12, 1),
            )
            db.session.add(position)
            db.session.commit()
            position_id = position.id
            assert db.session.query(Membership).filter_by(role=Role.OWNER).count() == 1
        client = signed_in_client(app, db, owner.id)
        base = f"/employers/{employer.id}/positions/{position_id}"
        page = client.get(f"{base}/evidence").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        times, sizes = [], []
        for name, body in _files(UPLOADS):
            started = time.perf_counter()
            response = client.post(
                f"{base}/evidence",
                data={
                    "csrf_token": token,
                    "file": (io.BytesIO(body), name),
                    "category": "ad_proof",
                    "attach_to": "position",
                    "description": name,
                },
                content_type="multipart/form-data",
            )
            times.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
            sizes.append(len(body))
        total_mb = sum(sizes) / 1e6
        started = time.perf_counter()
        response = client.post(f"{base}/bundles", data={"csrf_token": token})
        bundle_s = time.perf_counter() - started
        assert response.status_code == 302
        status = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Download the bundle" in status
        return {
            "uploads": UPLOADS,
            "upload_total_mb": round(total_mb, 2),
            "upload_median_ms": round(statistics.median(times) * 1000, 1),
            "upload_throughput_mb_s": round(total_mb / sum(times), 2),
            "bundle_files": UPLOADS,
            "bundle_seconds": round(bundle_s, 2),
        }


def report(result: dict) -> str:
    uploads = (
        f"evidence: {result['uploads']} uploads through the view, "
        f"{result['upload_total_mb']} MB: median {result['upload_median_ms']} ms each, "
        f"{result['upload_throughput_mb_s']} MB/s"
    )
    bundle = (
        f"evidence: filing bundle of {result['bundle_files']} files built in "
        f"{result['bundle_seconds']} s"
    )
    return uploads + "\n" + bundle
