"""An employer with a position, its members, and workers added through the pages.

The app keeps evidence (offer versions' PDF and DOCX, uploads) in the test's own directory and
spools under its own instance path. CSRF stays on: every POST carries a token from a page.
"""

import re
from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import db
from portal.models import OfferVersion, Worker
from tests.conftest import POSTGRES_URL, _truncate_all, build_app
from tests.factories import Factories
from tests.helpers import post_form, text_of
from tests.positions.support import ACTIVITY_FORM, POSITION_FORM, Shop, make_shop

WORKER_FORM = {
    "name": "Amélie Tremblay",
    "country": "France",
    "email": "amelie@example.com",
    "language": "en",
    "planned_start_date": "2027-03-01",
}

_FIELD_ERROR = re.compile(r'<p class="error" id="([a-z_0-9-]+)-error">([^<]*)</p>')


def field_errors(response) -> dict[str, str]:
    return dict(_FIELD_ERROR.findall(text_of(response)))


def offers_app(database_url, tmp_path):
    app = build_app(database_url, STORAGE_DIR=str(tmp_path / "store"))
    app.instance_path = str(tmp_path / "instance")
    if POSTGRES_URL:
        _truncate_all(app)
    return app


@dataclass
class Hiring:
    """A shop with one position (low-wage line cook, Toronto, $18.50, 2 workers) and its ad."""

    shop: Shop
    position_id: int
    position_url: str

    @property
    def app(self):
        return self.shop.app

    @property
    def workers_url(self) -> str:
        return f"{self.position_url}workers/"

    def post(self, url, data, who="owner", **kwargs):
        return self.shop.post(url, data, who=who, **kwargs)

    def get(self, url, who="owner", **kwargs):
        return self.shop.client(who).get(url, **kwargs)

    def add_worker(self, **overrides) -> tuple[int, str]:
        response = self.post(f"{self.workers_url}new", WORKER_FORM | overrides)
        assert response.status_code == 302, text_of(response)
        url = response.headers["Location"]
        return int(url.rstrip("/").rsplit("/", 1)[1]), url

    def worker(self, worker_id: int) -> Worker:
        with self.app.app_context():
            worker = db.session.get(Worker, worker_id)
            db.session.expunge(worker)
            return worker

    def versions(self, worker_id: int) -> list[OfferVersion]:
        with self.app.app_context():
            rows = db.session.scalars(
                select(OfferVersion)
                .where(OfferVersion.worker_id == worker_id)
                .order_by(OfferVersion.number)
            ).all()
            for row in rows:
                db.session.expunge(row)
            return list(rows)

    def offer_form(self, worker_url: str, who="owner") -> dict:
        """The offer form's fields as the page fills them (a valid body to change)."""
        html = text_of(self.get(f"{worker_url}offer", who=who))
        return form_values(html)

    def save_offer(self, worker_url: str, **changes):
        body = self.offer_form(worker_url) | changes
        return self.post(f"{worker_url}offer", body, form_page=f"{worker_url}offer")

    def generate(self, worker_url: str):
        return self.post(f"{worker_url}versions", {}, form_page=worker_url)

    def issue(self, worker_url: str, version_id: int, who="owner"):
        return self.post(
            f"{worker_url}versions/{version_id}/issue", {}, who=who, form_page=worker_url
        )


_INPUT = re.compile(r"<input ([^>]*)>")
_TEXTAREA = re.compile(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', re.S)
_SELECT = re.compile(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)
_ATTR = re.compile(r'([a-z-]+)="([^"]*)"')


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def form_values(page: str, marker: str = '<form method="post" novalidate') -> dict:
    """What a browser would post for the page's form starting with ``marker`` (text, checked
    boxes, selected options, textareas), without the CSRF token (post_form adds a fresh one)."""
    start = page.index(marker)
    form = page[start : page.index("</form>", start)]
    values: dict = {}
    for match in _INPUT.finditer(form):
        attrs = dict(_ATTR.findall(match.group(1)))
        name = attrs.get("name")
        if not name or name == "csrf_token" or attrs.get("type") == "file":
            continue
        if attrs.get("type") == "checkbox":
            if "checked" in match.group(1).split():
                values.setdefault(name, []).append(_unescape(attrs.get("value", "y")))
            continue
        values[name] = _unescape(attrs.get("value", ""))
    for name, text in _TEXTAREA.findall(form):
        # A browser drops the newline that opens a textarea's content.
        values[name] = _unescape(text.removeprefix("\r\n").removeprefix("\n"))
    for name, options in _SELECT.findall(form):
        chosen = re.findall(r'<option [^>]*selected[^>]*value="([^"]*)"', options) or re.findall(
            r'<option value="([^"]*)"[^>]*selected', options
        )
        first = re.findall(r'<option [^>]*value="([^"]*)"', options)
        values[name] = _unescape(chosen[0] if chosen else (first[0] if first else ""))
    return values


def make_hiring(app, **position) -> Hiring:
    make = Factories(app)
    shop = make_shop(app, make)
    position_id, url = shop.create_position(**position)
    # The ad offers the position's wage: a lower offer wage is WAGE-AD-OFFER.
    shop.add_activity(url, ad_wage_min=(POSITION_FORM | position)["wage_amount"])
    shop.add_activity(url, method="job_board", platform="Indeed", start_date="2026-03-03")
    return Hiring(shop=shop, position_id=position_id, position_url=url)


__all__ = ["ACTIVITY_FORM", "POSITION_FORM", "Hiring", "make_hiring", "post_form"]
