"""``send-reminders`` with Redis: one job per user on the queue, the mail sent by the worker,
and a second run sends nothing twice (without Redis the command sends them itself: the
tests in tests/cli)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from portal import queue
from portal.extensions import db
from portal.models import OutboxMessage, utcnow
from portal.queue import queue_of
from tests.deadlines.support import add_position


def reminder_mails(app) -> int:
    with app.app_context():
        query = select(func.count()).select_from(OutboxMessage)
        return db.session.scalar(query.where(OutboxMessage.subject.like("Reminder:%")))


def test_send_reminders_queues_a_job_per_user_that_the_worker_sends_once(
    app, make, redis_url, tmp_path
):
    from rq.serializers import JSONSerializer

    from portal.queue.worker import AppWorker

    app.config.update(REDIS_URL=redis_url, STORAGE_DIR=str(tmp_path / "store"))
    app.instance_path = str(tmp_path / "instance")  # the command also sweeps the work folder
    asking = {"reminder_days_before": 60, "email_confirmed_at": utcnow()}
    owner = make.user(name="Olga Owner", **asking)
    employer = make.employer(owner)
    make.member(employer, make.user(name="Sam Staff", **asking))
    add_position(app, employer.id, owner.id, "Chef", date.today() - timedelta(days=5))
    runner = app.test_cli_runner()

    def send_reminders_then_work() -> str:
        result = runner.invoke(args=["send-reminders"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            waiting = queue_of(app)
            assert len(waiting.job_ids) == 2  # one a user, none sent yet
            assert reminder_mails(app) == mails_before
            worker = AppWorker(
                [waiting], connection=queue.redis_of(app), serializer=JSONSerializer, app=app
            )
            assert worker.work(burst=True)
            assert waiting.failed_job_registry.count == 0
        return result.output

    mails_before = 0
    output = send_reminders_then_work()
    assert "2 users with reminders, 2 reminder jobs queued" in output
    mails_before = reminder_mails(app)
    assert mails_before == 2  # each user's mail, sent by the worker
    send_reminders_then_work()
    assert reminder_mails(app) == 2  # nothing twice
