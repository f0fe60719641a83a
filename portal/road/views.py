"""The "After the LMIA" pages of a position: the LMIA decision (or the exemption), each
worker's road with its steps and checks, and the road form."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from portal.extensions import db
from portal.models import Position
from portal.offers.services import worker_of
from portal.positions import labels
from portal.road import checks, dates, services, steps
from portal.road.forms import DECISIONS, DecisionForm, RoadForm
from portal.tenancy import current_employer, get_scoped_or_404, policy
from portal.web import as_of_date

bp = Blueprint(
    "road", __name__, url_prefix="/employers/<int:employer_id>/positions/<int:position_id>/road"
)

STALE = (services.StaleEdit, StaleDataError)


def _context(position, **extra):
    return dict(
        employer=current_employer(),
        position=position,
        labels=labels,
        decisions=DECISIONS,
        **extra,
    )


@bp.get("/")
@policy("view")
def position(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    today = as_of_date()
    return render_template(
        "road/position.html",
        **_context(
            position,
            today=today,
            valid_until=position.lmia_decision == "approved"
            and dates.lmia_valid_until(position.lmia_decided_on, position.lmia_valid_until),
            roads=services.position_roads(position, today),
        ),
    )


def _decision_page(form, position, status=200):
    return render_template("road/decision_form.html", **_context(position, form=form)), status


@bp.route("/decision", methods=["GET", "POST"])
@policy("edit")
def edit_decision(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = DecisionForm(obj=position)
    if request.method == "GET":
        form.version.data = str(position.version)
        form.lmia_decision.data = position.lmia_decision or ""
        return _decision_page(form, position)
    if not form.validate():
        return _decision_page(form, position, 422)
    try:
        services.save_decision(position, form.cleaned, form.version.data)
        db.session.commit()
    except STALE:
        db.session.rollback()
        flash(
            _(
                "Someone else changed this position while you were editing. Your changes are "
                "below and were not saved; check them and save again."
            ),
            "error",
        )
        form.version.data = str(get_scoped_or_404(Position, position_id).version)
        return _decision_page(form, position, 409)
    flash(_("The LMIA decision is saved."), "success")
    return redirect(url_for("road.position", employer_id=employer_id, position_id=position_id))


@bp.get("/workers/<int:worker_id>")
@policy("view")
def worker(employer_id: int, position_id: int, worker_id: int):
    position = get_scoped_or_404(Position, position_id)
    worker = worker_of(position, worker_id)
    today = as_of_date()
    index = position.workers.index(worker)
    road = services.road_of_worker(position, worker)
    facts = services.facts_of(position, worker, road)
    return render_template(
        "road/worker.html",
        **_context(
            position,
            worker=worker,
            today=today,
            facts=facts,
            road=steps.road_of(facts, today),
            findings=checks.road_findings(facts, today, index),
            deadlines=checks.road_deadlines(facts, today),
        ),
    )


def _road_page(form, position, worker, status=200):
    return render_template(
        "road/worker_form.html", **_context(position, worker=worker, form=form)
    ), status


@bp.route("/workers/<int:worker_id>/edit", methods=["GET", "POST"])
@policy("edit")
def edit_worker(employer_id: int, position_id: int, worker_id: int):
    position = get_scoped_or_404(Position, position_id)
    worker = worker_of(position, worker_id)
    road = services.road_of_worker(position, worker)
    form = RoadForm(obj=road)
    if request.method == "GET":
        form.version.data = str(road.version) if road else "0"
        return _road_page(form, position, worker)
    if not form.validate():
        return _road_page(form, position, worker, 422)
    try:
        services.save_road(position, worker, form.cleaned, form.version.data)
        db.session.commit()
    except STALE:
        db.session.rollback()
        flash(
            _(
                "Someone else changed this worker's road while you were editing. Your changes "
                "are below and were not saved; check them and save again."
            ),
            "error",
        )
        fresh = services.road_of_worker(position, worker)
        form.version.data = str(fresh.version) if fresh else "0"
        return _road_page(form, position, worker, 409)
    flash(_("The worker's road is saved."), "success")
    return redirect(
        url_for(
            "road.worker", employer_id=employer_id, position_id=position_id, worker_id=worker_id
        )
    )
