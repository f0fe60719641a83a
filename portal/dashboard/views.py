from flask import render_template
from flask_login import current_user

from portal.dashboard import bp
from portal.extensions import db
from portal.invitations.services import invitations_waiting_for
from portal.models import Position, Role
from portal.positions.labels import STREAMS
from portal.tenancy import PUBLIC, across_my_employers, memberships_of, policy


@bp.get("/")
@policy(PUBLIC)
def index():
    if not current_user.is_authenticated:
        return render_template("dashboard/landing.html")
    memberships = memberships_of(current_user.id)
    clients = [m for m in memberships if m.role == Role.REPRESENTATIVE]
    own = [m for m in memberships if m.role != Role.REPRESENTATIVE]
    positions: dict[int, list[Position]] = {}
    for position in db.session.scalars(
        across_my_employers(Position, current_user.id).order_by(Position.id)
    ):
        positions.setdefault(position.employer_id, []).append(position)
    return render_template(
        "dashboard/index.html",
        clients=clients,
        own=own,
        positions=positions,
        stream_names=STREAMS,
        pending_invitations=invitations_waiting_for(current_user),
    )
