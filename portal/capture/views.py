from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.capture import bp, services
from portal.capture.forms import CaptureForm
from portal.capture.guard import CaptureRefused
from portal.evidence.services import evidence_of
from portal.extensions import db
from portal.models import Position, RecruitmentActivity
from portal.positions.services import child_of
from portal.tenancy import current_employer, get_scoped_or_404, policy


def _activity(position: Position, activity_id: int) -> RecruitmentActivity:
    """Any activity of the position: online ads are linked to this page (their weekly captures
    count), and a web page about another activity (a job fair's listing) may be kept too."""
    return child_of(position, RecruitmentActivity, activity_id)


def _page(position, activity, form, status=200):
    attempts = services.captures_of(position, activity)
    files = {e.id: e for e in evidence_of(position) if e.activity_id == activity.id}
    return render_template(
        "capture/activity.html",
        employer=current_employer(),
        position=position,
        activity=activity,
        form=form,
        attempts=attempts,
        files=files,
    ), status


@bp.get("/<int:position_id>/activities/<int:activity_id>/capture")
@policy("view")
def activity_page(employer_id: int, position_id: int, activity_id: int):
    position = get_scoped_or_404(Position, position_id)
    activity = _activity(position, activity_id)
    form = CaptureForm()
    attempts = services.captures_of(position, activity)
    form.url.data = attempts[0].url if attempts else None
    return _page(position, activity, form)


@bp.post("/<int:position_id>/activities/<int:activity_id>/capture")
@policy("edit")
def capture(employer_id: int, position_id: int, activity_id: int):
    position = get_scoped_or_404(Position, position_id)
    activity = _activity(position, activity_id)
    form = CaptureForm()
    if not form.validate():
        return _page(position, activity, form, 422)
    try:
        attempt = services.request_capture(position, activity, form.url.data, current_user.id)
    except CaptureRefused as refusal:
        form.url.errors.append(_("Not captured: %(reason)s.", reason=str(refusal)))
        return _page(position, activity, form, 422)
    db.session.commit()
    services.start(attempt)  # inline without a queue: done or failed when this returns
    db.session.refresh(attempt)
    if attempt.status == "done":
        flash(
            _("The ad is captured: its PDF and screenshot are in the evidence locker."), "success"
        )
    elif attempt.status == "failed":
        flash(_("Not captured: %(reason)s. Nothing was saved.", reason=attempt.message), "error")
    else:
        flash(_("The capture is queued; it appears below when it is done."), "success")
    return redirect(
        url_for(
            "capture.activity_page",
            employer_id=employer_id,
            position_id=position_id,
            activity_id=activity_id,
        )
    )
