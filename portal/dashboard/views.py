from flask import render_template
from flask_login import current_user

from portal.dashboard import bp
from portal.models import Role
from portal.tenancy import PUBLIC, memberships_of, policy


@bp.get("/")
@policy(PUBLIC)
def index():
    if not current_user.is_authenticated:
        return render_template("dashboard/landing.html")
    memberships = memberships_of(current_user.id)
    clients = [m for m in memberships if m.role == Role.REPRESENTATIVE]
    own = [m for m in memberships if m.role != Role.REPRESENTATIVE]
    return render_template("dashboard/index.html", clients=clients, own=own)
