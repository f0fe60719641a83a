"""Requests between the representative and the employer (issue 7, U6), through HTTP: each side
sees what the other asked on the home page and by e-mail (the outbox), and a request closes when
it is answered (a reply from the other side) or fixed (a replacement file, an accepted file, a
finding waived or gone)."""

from datetime import date

from flask import g
from sqlalchemy import select

from portal.extensions import db
from portal.models import Employer, OutboxMessage, Position, ReviewComment, Role
from portal.positions import compliance
from tests.evidence_views.support import png
from tests.helpers import text_of

REP, OWNER, STAFF = Role.REPRESENTATIVE, Role.OWNER, Role.STAFF
BY_REP, TO_CLIENTS = "Asked by your representative", "Your questions to clients"
BY_CLIENTS, TO_REP = "Asked by your clients", "Your questions to your representative"


def home_section(locker, role, title) -> str | None:
    """The text of the home page's card ``title`` for ``role`` (None when not shown)."""
    html = text_of(locker.client(role).get("/"))
    if f"<h2>{title}</h2>" not in html:
        return None
    return html.split(f"<h2>{title}</h2>", 1)[1].split("</section>", 1)[0]


def outbox(locker) -> list[OutboxMessage]:
    with locker.app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def requests(locker) -> list[ReviewComment]:
    with locker.app.app_context():
        query = select(ReviewComment).where(ReviewComment.asks_for_change.is_(True))
        rows = db.session.scalars(query.order_by(ReviewComment.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def one_file(locker, n=1) -> int:
    assert locker.upload(png(n), f"ad-{n}.png").status_code == 302
    return locker.rows()[-1].id


def comment(locker, evidence_id, body, role):
    page = f"{locker.url}/{evidence_id}"
    response = locker.post(f"/evidence/{evidence_id}/comments", {"body": body}, role, page)
    assert response.status_code == 302, text_of(response)


def test_a_representatives_question_reaches_the_client_and_closes_with_the_reply(locker):
    evidence_id = one_file(locker)
    locker.user(STAFF)
    sent_before = len(outbox(locker))
    question = "Is this the whole ad, with the job number?"
    comment(locker, evidence_id, question, REP)

    assert question in home_section(locker, OWNER, BY_REP)
    assert question in home_section(locker, STAFF, BY_REP)
    assert question in home_section(locker, REP, TO_CLIENTS)
    assert home_section(locker, REP, BY_REP) is None
    mails = outbox(locker)[sent_before:]
    recipients = sorted(m.recipient for m in mails)
    expected = sorted(locker.users[r].email for r in (OWNER, STAFF))
    assert recipients == expected  # the employer's owner and staff, not the representative
    assert question in mails[0].body
    assert f"/evidence/{evidence_id}" in mails[0].body
    assert mails[0].subject.startswith("Question: Line Cook")

    comment(locker, evidence_id, "Yes: the number is at the top.", OWNER)
    assert home_section(locker, OWNER, BY_REP) is None
    assert home_section(locker, REP, TO_CLIENTS) is None
    (closed,) = requests(locker)
    assert closed.resolution == "answered"
    assert closed.resolved_by_id == locker.users[OWNER].id
    assert len(outbox(locker)) == sent_before + 2  # an answer is not a new request


def test_a_clients_question_reaches_the_representative(locker):
    evidence_id = one_file(locker)
    locker.user(REP)
    sent_before = len(outbox(locker))
    question = "Do we need the Indeed invoice as well?"
    comment(locker, evidence_id, question, OWNER)
    assert question in home_section(locker, REP, BY_CLIENTS)
    assert question in home_section(locker, OWNER, TO_REP)
    (mail,) = outbox(locker)[sent_before:]
    assert mail.recipient == locker.users[REP].email
    comment(locker, evidence_id, "Yes, please upload it.", REP)
    assert home_section(locker, REP, BY_CLIENTS) is None
    # The representative's reply answered, so it is not a new question to the client.
    assert home_section(locker, OWNER, BY_REP) is None


def test_a_change_request_on_a_file_waits_for_a_fix_not_a_reply(locker):
    old_id = one_file(locker, 1)
    ask = "Capture the whole page."
    response = locker.post(
        f"/evidence/{old_id}/review",
        {"decision": "changes_requested", "comment": ask},
        role=REP,
        page=f"{locker.url}/{old_id}",
    )
    assert response.status_code == 302
    assert any(ask in m.body for m in outbox(locker))
    comment(locker, old_id, "We will send a new one tomorrow.", OWNER)
    assert ask in home_section(locker, OWNER, BY_REP)  # a reply does not fix a file

    assert locker.upload(png(2), "ad-2.png", replaces=str(old_id)).status_code == 302
    assert home_section(locker, OWNER, BY_REP) is None
    change = next(r for r in requests(locker) if r.body == ask)
    assert change.resolution == "replaced"


def first_error(locker):
    with locker.app.test_request_context():
        position = db.session.get(Position, locker.position_id)
        g.employer = db.session.get(Employer, locker.employer_id)
        report = compliance.check(position, date.today())
        return next(f for f in report.verdict.findings if f.severity == "error")


def test_a_request_on_a_finding_closes_when_answered_or_waived(locker):
    finding = first_error(locker)
    target = {"rule_id": finding.rule, "subject": finding.subject}
    page = f"{locker.base}/compliance"
    question = "Why is the wage below the median?"
    response = locker.post("/findings/comments", target | {"body": question}, REP, page)
    assert response.status_code == 302
    assert question in home_section(locker, OWNER, BY_REP)
    answer = "The median was lower when we posted."
    response = locker.post("/findings/comments", target | {"body": answer}, OWNER, page)
    assert response.status_code == 302
    assert home_section(locker, OWNER, BY_REP) is None

    ask = "Please raise the wage."
    body = target | {"decision": "changes_requested", "comment": ask}
    assert locker.post("/findings/review", body, REP, page).status_code == 302
    assert ask in home_section(locker, OWNER, BY_REP)
    waiver = target | {"reason": "Counsel accepts the posted wage."}
    assert locker.post("/waivers", waiver, REP, page).status_code == 302
    assert home_section(locker, OWNER, BY_REP) is None  # waived: settled


def test_a_request_on_a_finding_names_its_record_on_the_home_page(locker):
    """U3 on the home page: a request about a finding says what the record is, not its path."""
    finding = first_error(locker)
    with locker.app.test_request_context():
        g.employer = db.session.get(Employer, locker.employer_id)
        position = db.session.get(Position, locker.position_id)
        label = compliance.subject_labeller(position)(finding.subject)
    target = {"rule_id": finding.rule, "subject": finding.subject}
    question = "Which figure did you use here?"
    page = f"{locker.base}/compliance"
    assert locker.post("/findings/comments", target | {"body": question}, REP, page).status_code
    for role, title in ((OWNER, BY_REP), (REP, TO_CLIENTS)):
        section = home_section(locker, role, title)
        assert question in section
        assert label.text.replace("&", "&amp;") in section or label.text in section
        if "[" in finding.subject or "." in finding.subject:
            assert finding.subject not in section
