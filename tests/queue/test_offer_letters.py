"""Generating a letter version with Redis: the page queues it, a worker renders it (PDF and
DOCX kept with their SHA-256), and queuing it again for the same terms makes no second
version (without Redis the request renders it: tests/offers)."""

from __future__ import annotations

import hashlib

from rq.serializers import JSONSerializer

from portal import queue
from portal.queue import queue_of
from portal.queue.worker import AppWorker
from tests.offers.support import make_hiring, offers_app
from tests.offers.test_pages import complete_offer


def work(app) -> None:
    with app.app_context():
        waiting = queue_of(app)
        worker = AppWorker(
            [waiting], connection=queue.redis_of(app), serializer=JSONSerializer, app=app
        )
        assert worker.work(burst=True)
        assert waiting.failed_job_registry.count == 0


def test_a_letter_version_is_rendered_by_the_worker_once(database_url, tmp_path, redis_url):
    app = offers_app(database_url, tmp_path)
    app.config["REDIS_URL"] = redis_url
    hiring = make_hiring(app)
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url)

    response = hiring.generate(worker_url)
    assert response.status_code == 302
    page = hiring.get(response.headers["Location"]).get_data(as_text=True)
    assert "The letter is being generated" in page
    assert hiring.versions(worker_id) == []  # queued, not rendered in the request
    with app.app_context():
        assert len(queue_of(app).job_ids) == 1

    work(app)
    (version,) = hiring.versions(worker_id)
    pdf = (tmp_path / "store" / version.pdf_key[:2] / version.pdf_key).read_bytes()
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == version.pdf_sha256
    assert "Version 1" in hiring.get(worker_url).get_data(as_text=True)

    assert hiring.generate(worker_url).status_code == 302  # the same terms again
    work(app)
    assert [v.id for v in hiring.versions(worker_id)] == [version.id]
