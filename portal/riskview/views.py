from flask import render_template
from flask_login import current_user

from portal.models import Position
from portal.risk import standing
from portal.riskview import bp
from portal.riskview.services import clients_risk, newest_first, position_risk
from portal.tenancy import SIGNED_IN, current_employer, get_scoped_or_404, policy
from portal.web import as_of_date


@bp.get("/employers/<int:employer_id>/positions/<int:position_id>/risk")
@policy("view")
def position(employer_id: int, position_id: int):
    found = get_scoped_or_404(Position, position_id)
    items = position_risk(found, as_of_date())
    return render_template(
        "risk/position.html",
        employer=current_employer(),
        position=found,
        items=items,
        count=standing(items),
    )


@bp.get("/risk")
@policy(SIGNED_IN)
def clients():
    """A representative's clients: every fee and fraud finding of every position of every
    employer they represent (their own employers are on each position's page)."""
    risks = clients_risk(current_user.id, as_of_date())
    return render_template("risk/clients.html", clients=risks, listed=newest_first(risks))
