"""Identity numbers encrypted at rest (security bar 2(n), issue 11).

Known clear values go in through the real pages and forms (the LMIA decision, the offer terms,
a worker's road, an LMIA-exempt worker's Employer Portal offer), then every place they could
leak to is grepped for them: the database (the SQLite file's bytes, or a ``pg_dump``), the logs
(every logger at DEBUG, SQL included, and a real server subprocess's stderr), the audit table,
error pages, the pages a viewer reads, the lists, the deadlines page, the calendar feed and the
reminder mails. The pages show them whole to those who file them and masked to a viewer; the
case export and the letter (the filing documents) carry the clear number.

Key rotation runs as a person types it, on a migrated, seeded database: a value written under
key A is readable under "B,A", ``rotate-keys`` moves it to B, "B" alone reads it, "A" alone is
refused with a clear error.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from http.cookiejar import CookieJar
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import text

from portal import crypto
from portal.commands.keys import encrypted_columns
from portal.evidence.services import evidence_storage
from portal.extensions import db
from portal.models import AuditEvent, OfferVersion, Position, User, Worker
from portal.models.road import WorkerRoad
from tests.cli.support import FLASK, new_shell, ok
from tests.conftest import POSTGRES_URL, TEST_FIELD_KEYS, build_app
from tests.factories import PASSWORD
from tests.helpers import text_of
from tests.offers.support import Hiring, field_errors, form_values, make_hiring, offers_app

PG_BIN = Path("/usr/lib/postgresql/15/bin")
TODAY = date.today()

PERMIT = "U104527391"
IRCC = "W307418265"
IRCC_BY_SERVER = "W307418266"  # typed into the real server's form
LMIA = "1234567"
EMPLOYER_PORTAL = "A0729183"
CLEAR = (PERMIT, IRCC, IRCC_BY_SERVER, LMIA, EMPLOYER_PORTAL)

COMPLETE_OFFER = {
    "overtime": "Overtime after 44 hours a week, at 1.5 times the wage.",
    "vacation": "Two weeks of vacation a year, with 4% vacation pay.",
    "statutory_holidays": "The nine public holidays of Ontario, paid.",
    "pay_frequency": "biweekly",
}


def hits(place: str | bytes) -> list[str]:
    """The clear values found in ``place``."""
    if isinstance(place, bytes):
        return [value for value in CLEAR if value.encode() in place]
    return [value for value in CLEAR if value in place]


@pytest.fixture
def hiring(database_url, tmp_path):
    app = offers_app(database_url, tmp_path)
    yield make_hiring(app)
    with app.app_context():
        db.engine.dispose()


def _road_url(hiring: Hiring, worker_id: int | None = None) -> str:
    url = f"{hiring.position_url}road/"
    return f"{url}workers/{worker_id}" if worker_id else url


def _save(hiring: Hiring, url: str, who: str = "owner", **changes):
    body = form_values(text_of(hiring.get(url, who=who))) | changes
    response = hiring.post(url, body, who=who, form_page=url)
    assert response.status_code == 302, field_errors(response) or text_of(response)[:2000]
    return response


def _seed_through_the_pages(hiring: Hiring) -> dict:
    """Every identity number the portal keeps, typed into its form; returns the ids and URLs."""
    worker_id, worker_url = hiring.add_worker()
    _save(
        hiring,
        f"{_road_url(hiring)}decision",
        lmia_decision="approved",
        lmia_number=LMIA,
        lmia_decided_on=(TODAY - timedelta(days=30)).isoformat(),
        lmia_positions_approved="2",
    )
    _save(hiring, f"{worker_url}offer", **COMPLETE_OFFER, lmia_number=LMIA)
    assert hiring.generate(worker_url).status_code == 302
    _save(
        hiring,
        f"{_road_url(hiring, worker_id)}/edit",
        permit_applied_on=(TODAY - timedelta(days=25)).isoformat(),
        ircc_reference=IRCC,
        visa_required="no",
        permit_number=PERMIT,
        permit_issued_on=(TODAY - timedelta(days=20)).isoformat(),
        # Expires soon: a deadline, a reminder and a calendar event about this permit.
        permit_expires_on=(TODAY + timedelta(days=20)).isoformat(),
        permit_employer="Some Other Employer Inc.",
        first_day_on=(TODAY - timedelta(days=10)).isoformat(),
    )
    # An LMIA-exempt position: its worker's road starts with the Employer Portal offer.
    exempt_id, exempt_url = hiring.shop.create_position(title="Baker", lmia_exemption_code="C10")
    exempt = Hiring(shop=hiring.shop, position_id=exempt_id, position_url=exempt_url)
    exempt_worker, _ = exempt.add_worker(name="Kofi Mensah")
    _save(
        exempt,
        f"{_road_url(exempt, exempt_worker)}/edit",
        offer_of_employment_number=EMPLOYER_PORTAL,
        offer_of_employment_submitted_on=(TODAY - timedelta(days=5)).isoformat(),
    )
    return {
        "worker_id": worker_id,
        "worker_url": worker_url,
        "exempt": exempt,
        "exempt_worker": exempt_worker,
    }


def _stored_as_tokens(app) -> int:
    """Every identity number is a Fernet token in its column (read raw, not through the type),
    and reads back clear; returns how many were checked."""
    raw = {
        "positions.lmia_number": "SELECT lmia_number FROM positions WHERE lmia_number IS NOT NULL",
        "worker_roads.permit_number": "SELECT permit_number FROM worker_roads "
        "WHERE permit_number IS NOT NULL",
        "worker_roads.ircc_reference": "SELECT ircc_reference FROM worker_roads "
        "WHERE ircc_reference IS NOT NULL",
        "worker_roads.offer_of_employment_number": "SELECT offer_of_employment_number "
        "FROM worker_roads WHERE offer_of_employment_number IS NOT NULL",
    }
    checked = 0
    with app.app_context():
        for name, query in raw.items():
            values = db.session.execute(text(query)).scalars().all()
            assert values, f"nothing stored in {name}"
            for value in values:
                assert value.startswith(crypto.TOKEN_PREFIX), name
                checked += 1
        for query in ("SELECT offer FROM workers", "SELECT inputs FROM offer_versions"):
            for value in db.session.execute(text(query)).scalars():
                stored = json.loads(value) if isinstance(value, str) else value
                if stored and stored.get("lmia_number"):
                    assert stored["lmia_number"].startswith(crypto.TOKEN_PREFIX), query
                    checked += 1
        position = db.session.scalars(
            db.select(Position).where(Position.lmia_number.isnot(None))
        ).one()
        assert position.lmia_number == LMIA
        assert {r.permit_number for r in db.session.scalars(db.select(WorkerRoad))} >= {PERMIT}
        offers = [w.offer.get("lmia_number") for w in db.session.scalars(db.select(Worker))]
        assert LMIA in offers
        assert db.session.scalars(db.select(OfferVersion)).first().inputs["lmia_number"] == LMIA
    return checked


def _database_bytes(app, database_url: str) -> bytes:
    """The SQLite file (and its journal), or a pg_dump of the PostgreSQL database."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        files = [path, *path.parent.glob(path.name + "-*")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    libpq = database_url.replace("postgresql+psycopg://", "postgresql://")
    dump = subprocess.run(
        [str(PG_BIN / "pg_dump"), "--no-owner", libpq],
        capture_output=True,
        check=True,
        timeout=300,
    )
    return dump.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A person at a browser talking to the real server: cookies, CSRF tokens from pages."""

    _TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict, form_page: str | None = None) -> tuple[int, str]:
        token = self._TOKEN.search(self.get(form_page or path)).group(1)
        body = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def _through_a_real_server(hiring: Hiring, database_url: str, seeded: dict, tmp_path) -> str:
    """Run ``flask --app portal run`` on this database; the staff member signs in, reads the
    worker's road and saves a new IRCC reference. Returns the server's stderr."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "FLASK_"))}
    env.update(
        PORTAL_DATABASE_URL=database_url,
        PORTAL_FIELD_KEYS=TEST_FIELD_KEYS,
        PORTAL_STORAGE_DIR=hiring.app.config["STORAGE_DIR"],
        PORTAL_INSTANCE_PATH=str(tmp_path / "server-instance"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    log_path = tmp_path / "server.stderr"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own venv's flask, fixed arguments
            [str(FLASK), "--app", "portal", "run", "--port", str(port), "--no-reload"],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/account/login", timeout=5).close()  # noqa: S310
                break
            except OSError:
                assert server.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        person = Browser(base)
        staff = hiring.shop.users["staff"]
        status, _ = person.post("/account/login", {"email": staff.email, "password": PASSWORD})
        assert status == 200, "sign-in failed"
        road_page = _road_url(hiring, seeded["worker_id"])
        assert PERMIT in person.get(road_page)  # staff files them: shown whole
        edit = f"{road_page}/edit"
        fields = form_values(person.get(edit)) | {"ircc_reference": IRCC_BY_SERVER}
        status, page = person.post(edit, fields)
        assert status == 200 and IRCC_BY_SERVER in page, page[:2000]
    finally:
        server.terminate()
        server.wait(timeout=30)
    stderr = log_path.read_text()
    assert f"POST {edit}" in stderr, "the server logged no request: nothing was grepped"
    return stderr


def test_identity_numbers_are_encrypted_masked_and_never_leak(
    hiring, database_url, caplog, monkeypatch, tmp_path, figure
):
    caplog.set_level(logging.DEBUG)  # every logger, SQLAlchemy's statements and rows included
    app = hiring.app
    seeded = _seed_through_the_pages(hiring)
    worker_id, worker_url = seeded["worker_id"], seeded["worker_url"]
    exempt, exempt_worker = seeded["exempt"], seeded["exempt_worker"]
    road_page = _road_url(hiring, worker_id)
    exempt_page = _road_url(exempt, exempt_worker)
    places: dict[str, str | bytes] = {}

    # Whole to those who fill and file them ...
    for who in ("owner", "staff", "rep"):
        assert {PERMIT, IRCC} <= set(hits(text_of(hiring.get(road_page, who=who)))), who
        assert LMIA in text_of(hiring.get(_road_url(hiring), who=who)), who
        assert LMIA in text_of(hiring.get(worker_url, who=who)), who
        assert EMPLOYER_PORTAL in text_of(hiring.get(exempt_page, who=who)), who
    # ... masked to a viewer.
    viewer_pages = {
        "viewer: worker's road": road_page,
        "viewer: the road tab": _road_url(hiring),
        "viewer: the offer": worker_url,
        "viewer: exempt worker's road": exempt_page,
    }
    for name, url in viewer_pages.items():
        page = text_of(hiring.get(url, who="viewer"))
        assert "•••" in page, name
        places[name] = page
    assert "•••391" in places["viewer: worker's road"]
    assert "•••567" in places["viewer: the road tab"]
    # Lists, deadlines, the calendar feed and flash messages: masked for everyone.
    tab = text_of(hiring.get(_road_url(hiring)))
    assert "•••391" in tab and "•••265" in tab
    places["the road tab's steps (owner)"] = tab.replace(LMIA, "")  # the decision card: whole
    deadlines = text_of(hiring.get("/deadlines?days=90"))
    assert "permit" in deadlines.lower(), "no permit deadline listed: nothing was checked"
    places["deadlines page"] = deadlines
    client = hiring.shop.client("owner")
    feed_page = hiring.post("/deadlines/feed", {"action": "new"}, form_page="/deadlines")
    feed_url = re.search(r'id="feed-link"[^>]*value="([^"]+)"', text_of(feed_page)).group(1)
    feed = client.get(urllib.parse.urlsplit(feed_url).path)
    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.data
    places["calendar feed"] = feed.data
    saved = _save(hiring, f"{road_page}/edit", permit_location="Toronto, ON")
    flashes = re.findall(
        r'<div class="flash[^>]*>(.*?)</div>', text_of(client.get(saved.headers["Location"]))
    )
    assert flashes, "no flash message shown"
    places["flash messages"] = "\n".join(flashes)

    # The filing documents carry the clear number: the case export and the letter.
    case = client.get(f"{hiring.position_url}case.json")
    assert case.status_code == 200 and LMIA in case.get_data(as_text=True)
    (version,) = hiring.versions(worker_id)
    with app.app_context(), evidence_storage().open(version.docx_key) as stream:
        letter = "\n".join(p.text for p in Document(BytesIO(stream.read())).paragraphs)
    assert LMIA in letter

    # Error pages: a form posted without its CSRF token, and a crash after the numbers were
    # handled (logged with its traceback).
    refused = client.post(
        f"{road_page}/edit", data={"permit_number": PERMIT, "ircc_reference": IRCC}
    )
    assert refused.status_code == 400
    places["error page 400"] = text_of(refused)
    from portal.road import services as road_services

    real_save = road_services.save_road

    def save_then_crash(*args, **kwargs):
        real_save(*args, **kwargs)
        db.session.execute(text("SELECT no_such_column FROM worker_roads"))

    monkeypatch.setattr(road_services, "save_road", save_then_crash)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    body = form_values(text_of(hiring.get(f"{road_page}/edit"))) | {"permit_number": PERMIT}
    crashed = hiring.post(f"{road_page}/edit", body, form_page=f"{road_page}/edit")
    assert crashed.status_code == 500
    places["error page 500"] = text_of(crashed)
    monkeypatch.undo()
    assert any(r.exc_info for r in caplog.records), "the crash was not logged"

    # Reminder mails, as the scheduled command sends them (kept in the outbox).
    shell = new_shell(tmp_path / "shell")
    shell.env.update(PORTAL_DATABASE_URL=database_url, PORTAL_FIELD_KEYS=TEST_FIELD_KEYS)
    reminders = ok(
        shell.flask("send-reminders", "--today", (TODAY + timedelta(days=15)).isoformat())
    )
    places["send-reminders output"] = reminders.stdout + reminders.stderr
    with app.app_context():
        mails = db.session.execute(text("SELECT subject, body FROM outbox_messages")).all()
    reminder_mails = [m for m in mails if "permit" in (m.subject + m.body).lower()]
    assert reminder_mails, "no reminder about the permit was mailed: nothing was checked"
    places["reminder and other mails"] = "\n".join(m.subject + "\n" + m.body for m in mails)

    # A real server's log while a person reads and saves them.
    places["server stderr"] = _through_a_real_server(hiring, database_url, seeded, tmp_path)

    # The audit log records every change, with no clear identity number in before/after.
    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent)).all()
        audit = "\n".join(json.dumps(e.changes, ensure_ascii=False) for e in events)
    assert "worker_roads.update" in {e.action for e in events}
    assert "•••567" in audit, "the offer's change record lost the (masked) LMIA number"
    places["audit table"] = audit

    assert _stored_as_tokens(app) >= 6  # 4 columns, the offer and the letter inputs
    places["logs (every logger at DEBUG)"] = "\n".join(
        record.getMessage()
        + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        for record in caplog.records
    )
    assert "worker_roads" in places["logs (every logger at DEBUG)"], "no SQL was logged"
    name = "SQLite file" if database_url.startswith("sqlite") else "pg_dump"
    places[name] = _database_bytes(app, database_url)
    assert crypto.TOKEN_PREFIX.encode() in places[name]

    leaks = {place: found for place, value in places.items() if (found := hits(value))}
    columns = encrypted_columns()
    figure(
        "identity numbers",
        f"{len(columns)} columns encrypted, {len(places)} places grepped, "
        f"{sum(len(v) for v in leaks.values())} clear values",
    )
    assert leaks == {}
    assert len(columns) >= 7 and len(places) >= 15


# --- Key rotation -----------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded_shell(request, tmp_path):
    """A person's shell on a database migrated and seeded under key A (``flask db upgrade``,
    ``flask seed-demo``); yields (shell, database URL, key A, "sqlite" or "postgresql")."""
    shell = new_shell(tmp_path / "home")
    key_a = crypto.Keyring.new_key()
    shell.env["PORTAL_FIELD_KEYS"] = key_a
    name = None
    if request.param == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("PORTAL_TEST_DATABASE_URL is not set: PostgreSQL not tested here")
        import psycopg

        name = f"portal_keys_{os.urandom(6).hex()}"
        admin = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        shell.env["PORTAL_DATABASE_URL"] = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        ok(shell.flask("db", "upgrade"))
        ok(shell.flask("seed-demo"))
        yield shell, shell.env["PORTAL_DATABASE_URL"], key_a, request.param
    finally:
        if name:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _read(database_url: str, keys: str) -> dict:
    """What the portal reads back under ``PORTAL_FIELD_KEYS=keys``."""
    app = build_app(database_url, FIELD_KEYS=keys)
    try:
        with app.app_context():
            road = db.session.scalars(db.select(WorkerRoad)).first()
            user = db.session.scalars(db.select(User).where(User.totp_secret.isnot(None))).one()
            position = db.session.scalars(
                db.select(Position).where(Position.lmia_number.isnot(None))
            ).one()
            worker = db.session.scalars(db.select(Worker).order_by(Worker.id)).first()
            return {
                "offer": worker.offer.get("lmia_number"),
                "permit": road.permit_number,
                "ircc": road.ircc_reference,
                "lmia": position.lmia_number,
                "totp": user.totp_secret,
            }
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _rotated(result) -> int:
    return int(re.search(r"(\d+) values re-encrypted", result.stdout).group(1))


def test_rotate_keys_moves_every_value_to_the_new_key(seeded_shell, figure):
    shell, url, key_a, kind = seeded_shell
    before = crypto._keyring
    try:
        # A second-factor secret, written under key A like the demo's identity numbers.
        app = build_app(url, FIELD_KEYS=key_a)
        with app.app_context():
            user = db.session.scalars(db.select(User).order_by(User.id)).first()
            user.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
            # The demo's offers name no LMIA number: one does here (a JSON key, encrypted).
            worker = db.session.scalars(db.select(Worker).order_by(Worker.id)).first()
            worker.offer = {**worker.offer, "lmia_number": LMIA}
            db.session.commit()
            db.engine.dispose()
        written = _read(url, key_a)
        assert written["permit"] == "U104527391" and written["lmia"]  # the demo's chef
        assert written["offer"] == LMIA

        key_b = ok(shell.flask("new-field-key")).stdout.strip()
        assert crypto.Keyring([key_b]) and key_b != key_a
        assert _read(url, f"{key_b},{key_a}") == written  # B in front: A's values still read

        shell.env["PORTAL_FIELD_KEYS"] = f"{key_b},{key_a}"
        first = ok(shell.flask("rotate-keys", "--batch-size", "2"))
        assert _rotated(first) >= 5, first.stdout  # lmia, permit, ircc, totp, offer inputs...
        assert "users.totp_secret: 1 re-encrypted" in first.stdout
        assert "workers.offer: 1 re-encrypted" in first.stdout
        again = ok(shell.flask("rotate-keys"))
        assert _rotated(again) == 0, again.stdout  # idempotent

        assert _read(url, key_b) == written  # A can go
        with pytest.raises(crypto.KeyringError, match="cannot be decrypted with any configured"):
            _read(url, key_a)
        shell.env["PORTAL_FIELD_KEYS"] = key_a
        refused = shell.flask("rotate-keys")
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert "cannot be decrypted with any key of PORTAL_FIELD_KEYS" in refused.stderr
    finally:
        crypto.configure(before)
    if kind == "sqlite":  # one line in the summary; PostgreSQL's run fails the test if broken
        figure("identity numbers", "rotation ok")


def test_rotation_never_overwrites_a_value_saved_meanwhile(database_url, monkeypatch):
    """A person saving a row while rotate-keys runs keeps what they saved (compare and swap)."""
    from portal.commands import keys

    key_a, key_b = crypto.Keyring.new_key(), crypto.Keyring.new_key()
    before = crypto._keyring
    old_app = build_app(database_url, FIELD_KEYS=key_a)
    app = build_app(database_url, FIELD_KEYS=f"{key_b},{key_a}")
    try:
        if POSTGRES_URL:
            from tests.conftest import _truncate_all

            _truncate_all(app)
        with old_app.app_context():
            user = User(email="r@example.com", full_name="R", password_hash="x", locale="en")
            user.totp_secret = "OLDSECRETOLDSECRET"
            db.session.add(user)
            db.session.commit()
            user_id = user.id
            db.engine.dispose()
        real = keys._rotated

        def person_saves_first(ring, token, where):
            with app.app_context():  # another request, under the new keys
                saved = db.session.get(User, user_id)
                saved.totp_secret = "NEWSECRETNEWSECRET"
                db.session.commit()
            return real(ring, token, where)

        monkeypatch.setattr(keys, "_rotated", person_saves_first)
        with app.app_context():
            column = next(c for c in keys.encrypted_columns() if c.name == "users.totp_secret")
            # Counted as already under the newest key: the person saved it under that key.
            assert keys.rotate_column(column, crypto.keyring(), 10) == (0, 1)
            db.session.remove()
            assert db.session.get(User, user_id).totp_secret == "NEWSECRETNEWSECRET"
            db.session.remove()
            db.engine.dispose()
    finally:
        crypto.configure(before)
