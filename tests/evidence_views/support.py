"""An employer with one position and its evidence locker, driven through HTTP (``make_locker``).

The app keeps evidence in the test's own directory (``STORAGE_DIR``) and spools uploads under its
own ``instance_path``, so "nothing was left behind" is a listing of two directories. Bundles are
built inline (``BUNDLE_INLINE``). CSRF stays on: every POST carries a token read from a page.
"""

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, EvidenceFile, Position, Role
from tests.conftest import POSTGRES_URL, _truncate_all, build_app
from tests.factories import Factories
from tests.helpers import form_token

_ERROR = re.compile(r'<p class="error" id="file-error">(.*?)</p>', re.S)


def png(n: int = 0, size=(40, 30)) -> bytes:
    """A small valid PNG; a different ``n`` gives different bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (n % 256, n // 256 % 256, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def files_under(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


def file_error(html: str) -> str | None:
    """The error shown under the upload form's file field, as text (None when there is none)."""
    match = _ERROR.search(html)
    return None if match is None else re.sub(r"\s+", " ", match.group(1)).strip()


def add_position(app, employer_id: int, title: str = "Line Cook") -> int:
    with app.app_context():
        position = Position(
            employer_id=employer_id,
            title=title,
            noc_code="63200",
            stream="low_wage",
            street_address="1 King St W",
            city="Toronto",
            province="ON",
            postal_code="M5H 1A1",
            economic_region="ER3530",
            wage_amount=Decimal("18.50"),
            wage_per="hour",
            hours_per_week=Decimal("40"),
            positions=1,
            duration_months=12,
            duties="Prepare and cook complete meals.",
            job_match_mode="default",
        )
        db.session.add(position)
        db.session.commit()
        return position.id


@dataclass
class Locker:
    app: object
    make: Factories
    employer_id: int
    position_id: int
    store: Path
    instance: Path
    users: dict = field(default_factory=dict)
    _clients: dict = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"/employers/{self.employer_id}/positions/{self.position_id}"

    @property
    def url(self) -> str:
        """The evidence page (its uploads are posted here too)."""
        return f"{self.base}/evidence"

    @property
    def new_url(self) -> str:
        """The "Add a file" page."""
        return f"{self.base}/evidence/new"

    @property
    def signing_url(self) -> str:
        """The sign-off page: what is open, the sign-off, the filing bundle, retention."""
        return f"{self.base}/sign-off"

    @property
    def temp_dir(self) -> Path:
        return self.instance / "tmp"

    def user(self, role: str):
        """A member of the employer with ``role`` ("owner" exists already), made on first use."""
        if role not in self.users:
            person = self.make.user(name=f"{role.title()} Person")
            self.make.member(_Ref(self.employer_id), person, role)
            self.users[role] = person
        return self.users[role]

    def client(self, role: str = Role.OWNER):
        """A signed-in browser for the member with ``role`` (one per role)."""
        if role not in self._clients:
            self._clients[role] = self.make.signed_in_client(self.user(role))
        return self._clients[role]

    def token(self, role: str = Role.OWNER, page: str | None = None) -> str:
        return form_token(self.client(role), page or self.url)

    def post(self, path: str, data: dict, role: str = Role.OWNER, page: str | None = None):
        """POST ``data`` to ``path`` (relative to the position) with a valid CSRF token."""
        data = {"csrf_token": self.token(role, page), **data}
        return self.client(role).post(f"{self.base}{path}", data=data)

    def upload(self, content: bytes, filename: str, role: str = Role.OWNER, url=None, **fields):
        body = {
            "csrf_token": self.token(role),
            "file": (io.BytesIO(content), filename),
            "category": "ad_proof",
            "attach_to": "position",
            "evidence_date": "2026-11-01",
            "description": "Job Bank ad",
            **fields,
        }
        return self.client(role).post(
            url or self.url, data=body, content_type="multipart/form-data"
        )

    def rows(self) -> list[EvidenceFile]:
        with self.app.app_context():
            rows = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)).all()
            for row in rows:
                db.session.expunge(row)
            return rows

    def stored(self) -> list[Path]:
        return files_under(self.store)

    def temp_files(self) -> list[Path]:
        return files_under(self.temp_dir)

    def audit_count(self, action: str) -> int:
        with self.app.app_context():
            query = select(func.count()).select_from(AuditEvent)
            return db.session.scalar(query.where(AuditEvent.action == action))

    def leftovers(self) -> dict:
        """What an upload that was refused must not leave: rows, stored files, temp files."""
        return {
            "rows": len(self.rows()),
            "stored_files": len(self.stored()),
            "temp_files": len(self.temp_files()),
        }


@dataclass
class _Ref:
    id: int


def make_locker(database_url, tmp_path: Path, **overrides) -> Locker:
    store = tmp_path / "store"
    settings = {"BUNDLE_INLINE": True, "STORAGE_DIR": str(store), **overrides}
    app = build_app(database_url, **settings)
    app.instance_path = str(tmp_path / "instance")
    if POSTGRES_URL:
        _truncate_all(app)
    make = Factories(app)
    owner = make.user(name="Olivia Owner")
    employer = make.employer(owner, legal_name="Maple Diner Ltd.")
    position_id = add_position(app, employer.id)
    return Locker(
        app=app,
        make=make,
        employer_id=employer.id,
        position_id=position_id,
        store=store,
        instance=tmp_path / "instance",
        users={Role.OWNER: owner},
    )
