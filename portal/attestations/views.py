"""Attestation pages: sending a worker the private link (from the worker's page), the public
page the link opens (no account, the worker's language, no script), and the answers, read-only,
for the employer's members."""

import time

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from limits import parse

from portal.attestations import answers as attest
from portal.attestations import services
from portal.extensions import db, limiter, rate_limits
from portal.models import Position
from portal.offers import services as offer_services
from portal.tenancy import PUBLIC, current_employer, get_scoped_or_404, policy

bp = Blueprint("attestations", __name__)

WORKER_URL = "/employers/<int:employer_id>/positions/<int:position_id>/workers/<int:worker_id>"


def _worker(position_id: int, worker_id: int):
    position = get_scoped_or_404(Position, position_id)
    return position, offer_services.worker_of(position, worker_id)


@bp.app_template_global("worker_attestations")
def worker_attestations(worker):
    """The worker page's list (templates/attestations/_worker_section.html)."""
    return services.attestations_of(worker)


@bp.app_template_global("attestation_state")
def attestation_state(attestation):
    return services.state_of(attestation)


@bp.post(WORKER_URL + "/attestations")
@policy("comment")
def send(employer_id: int, position_id: int, worker_id: int):
    """Create the worker's attestation, mail the link, and show it once to the sender."""
    position, worker = _worker(position_id, worker_id)
    sent = services.send_attestation(
        current_employer(), position, worker, current_user._get_current_object()
    )
    db.session.commit()
    return render_template(
        "attestations/sent.html",
        employer=current_employer(),
        position=position,
        worker=worker,
        attestation=sent.attestation,
        link=sent.link,
    )


@bp.get(WORKER_URL + "/attestations/<int:attestation_id>")
@policy("view")
def show(employer_id: int, position_id: int, worker_id: int, attestation_id: int):
    """The worker's answers, read-only: nobody can change them."""
    position, worker = _worker(position_id, worker_id)
    attestation = services.attestation_of(worker, attestation_id)
    if attestation is None:
        abort(404)
    return render_template(
        "attestations/show.html",
        employer=current_employer(),
        position=position,
        worker=worker,
        attestation=attestation,
        state=services.state_of(attestation),
        answers=attestation.answers or {},
        amount_of=attest.amount_of,
    )


# --- The public page -------------------------------------------------------------------------


class Throttled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def _count_request(token: str) -> None:
    """Count this request against the caller's IP and against the link (Flask-Limiter storage,
    as the sign-in throttle); raise Throttled once either has used up its requests.

    The IP is the socket peer unless a trusted proxy count is set (ProxyFix), so a forged
    X-Forwarded-For header does not give a fresh bucket. The link is keyed on its digest, so the
    limiter's storage never holds a usable token."""
    config = current_app.config
    if not (config["RATELIMIT_ENABLED"] and limiter.enabled):
        return
    buckets = [
        (parse(config["ATTESTATION_LIMIT_PER_IP"]), ("attest", "ip", request.remote_addr or "-")),
        (parse(config["ATTESTATION_LIMIT_PER_LINK"]), ("attest", "link", attest.token_hash(token))),
    ]
    waits = []
    for item, keys in buckets:
        if not rate_limits().hit(item, *keys):
            reset_at = rate_limits().get_window_stats(item, *keys).reset_time
            waits.append(max(1, int(reset_at - time.time()) + 1))
    if waits:
        raise Throttled(max(waits))


def _page_language(default: str) -> str:
    chosen = request.args.get("lang", "")
    if chosen and chosen not in attest.LANGUAGES:
        abort(400, description="lang: en or fr.")
    if request.method == "POST":
        posted = request.form.get("lang", "")
        chosen = posted if posted in attest.LANGUAGES else chosen
    return chosen or default


def _t(language):
    def translate(key, **values):
        return attest.text(language, key, **values)

    return translate


def _public(template: str, language: str, status: int = 200, headers=None, **context):
    other = "fr" if language == "en" else "en"
    return (
        render_template(
            f"attestations/{template}",
            lang=language,
            other_lang=other,
            t=_t(language),
            t_other=_t(other),
            tip_line=attest.TIP_LINE,
            rights_links=attest.RIGHTS_LINKS[language],
            **context,
        ),
        status,
        headers or {},
    )


@bp.route("/attest/<token>", methods=["GET", "POST"])
@policy(PUBLIC)
def answer(token: str):
    """The worker's page: the questions, once, in the worker's language (or the other)."""
    language = _page_language("en")
    try:
        _count_request(token)
    except Throttled as throttled:
        minutes = max(1, -(-throttled.retry_after // 60))
        return _public(
            "message.html",
            language,
            429,
            {"Retry-After": str(throttled.retry_after)},
            key="throttled",
            minutes=minutes,
        )
    attestation = services.attestation_for_token(token)
    if attestation is None:
        return _public("message.html", language, 404, key="unknown")
    language = _page_language(attestation.language)
    state = services.state_of(attestation)
    if state == "answered":
        when = services.local_date(attestation.answered_at, language)
        return _public("message.html", language, 410, key="used", date=when)
    if state == "expired":
        when = services.local_date(attestation.expires_at, language)
        return _public("message.html", language, 410, key="expired", date=when)

    context = {
        "token": token,
        "attestation": attestation,
        "employer": services.employer_of(attestation).display_name,
        "position_title": attestation.worker.position.title,
        "expires": services.local_date(attestation.expires_at, language),
        "questions": attest.QUESTIONS,
        "max_rows": attest.MAX_PAYMENTS,
    }
    if request.method == "GET":
        return _public(
            "answer.html", language, values={}, errors={}, rows=attest.FIRST_ROWS, **context
        )

    today = services.now().astimezone(_zone()).date()
    if "more" in request.form:
        # "Add more rows": the page comes back with what was typed and more empty rows.
        rows = attest.row_count(request.form, more=True)
        _answers, submission = attest.check_answers(request.form, language, today, rows)
        return _public(
            "answer.html", language, values=submission.values, errors={}, rows=rows, **context
        )
    answers, submission = attest.check_answers(request.form, language, today)
    if answers is None:
        return _public(
            "answer.html",
            language,
            422,
            values=submission.values,
            errors=submission.errors,
            rows=submission.rows,
            **context,
        )
    try:
        services.record_answers(attestation, answers, request.remote_addr)
        db.session.commit()
    except services.AlreadyAnswered:
        return _public(
            "message.html",
            language,
            410,
            key="used",
            date=services.local_date(services.now(), language),
        )
    when = services.local_date(attestation.answered_at, language)
    return _public("message.html", language, 200, key="thanks", date=when)


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
