"""The locker on S3 (moto's in-process fake: nothing leaves the machine), and the command-line
tools: ``flask positions`` and ``flask bundle POSITION_ID --out FILE.zip``."""

import hashlib
import os
import subprocess
import zipfile

import boto3
import pytest
from moto import mock_aws

from portal.extensions import db
from portal.models import Role
from tests.evidence_views.support import make_locker, png

BUCKET = "portal-evidence-test"


@pytest.fixture
def aws_env(monkeypatch):
    """Fake credentials so boto3 never looks for (or uses) real ones."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


def test_s3_backend_stores_an_upload_and_serves_it_back(database_url, tmp_path, aws_env):
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        locker = make_locker(
            database_url,
            tmp_path,
            STORAGE_BACKEND="s3",
            S3_BUCKET=BUCKET,
            S3_PREFIX="evidence/",
            S3_REGION="us-east-1",
        )
        try:
            content = png(3)
            response = locker.upload(content, "ad.png")
            assert response.status_code == 302
            (row,) = locker.rows()
            listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
            assert [item["Key"] for item in listed] == [f"evidence/{row.storage_key}"]
            stored = s3.get_object(Bucket=BUCKET, Key=f"evidence/{row.storage_key}")["Body"]
            assert stored.read() == content

            download = locker.client(Role.VIEWER).get(f"{locker.url}/{row.id}/download")
            assert download.status_code == 200
            assert download.data == content
            assert download.headers["Content-Disposition"].startswith("attachment;")
            # Nothing on the local disk: no store directory, no spool left.
            assert locker.stored() == [] and locker.temp_files() == []

            # A refused upload leaves nothing in the bucket either.
            refused = locker.upload(b"<html><script>alert(1)</script></html>", "ad.pdf")
            assert refused.status_code == 422
            assert len(s3.list_objects_v2(Bucket=BUCKET)["Contents"]) == 1
        finally:
            with locker.app.app_context():
                db.engine.dispose()


def test_flask_positions_lists_the_position(locker):
    runner = locker.app.test_cli_runner()
    result = runner.invoke(args=["positions"])
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    assert line.split()[0] == str(locker.position_id)
    assert "Maple Diner Ltd." in line and "Line Cook" in line and "low_wage" in line


def test_flask_bundle_writes_a_zip_that_sha256sum_verifies(locker, tmp_path):
    for n in (1, 2):
        assert locker.upload(png(n), f"ad-{n}.png").status_code == 302
    assert locker.upload("Annonce publiée.\n".encode(), "notes.txt").status_code == 302
    out = tmp_path / "x.zip"
    runner = locker.app.test_cli_runner()
    result = runner.invoke(args=["bundle", str(locker.position_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert f"sha256 {hashlib.sha256(data).hexdigest()}" in result.output

    target = tmp_path / "unzipped"
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        archive.extractall(target)
    assert "SHA256SUMS" in names and "case.json" in names
    listed = (target / "SHA256SUMS").read_text().splitlines()
    assert len(listed) == len(names) - 1  # every member but the manifest itself
    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=target, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(listed)
    assert locker.temp_files() == []  # the bundle's work files are gone

    # A position that does not exist: a clear error, no file.
    missing = tmp_path / "none.zip"
    result = runner.invoke(args=["bundle", "987654", "--out", str(missing)])
    assert result.exit_code != 0 and "no position 987654" in result.output
    assert not missing.exists()
