from flask import render_template
from flask_login import current_user

from portal import spreadsheet_exports
from portal.models import Position
from portal.risk import standing
from portal.riskview import bp
from portal.riskview.services import clients_risk, newest_first, position_risk
from portal.spreadsheets import workbook_bytes
from portal.tenancy import SIGNED_IN, current_employer, get_scoped_or_404, policy
from portal.web import as_of_date, xlsx_download


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


@bp.get("/employers/<int:employer_id>/positions/<int:position_id>/risk.xlsx")
@policy("view")
def position_xlsx(employer_id: int, position_id: int):
    found = get_scoped_or_404(Position, position_id)
    as_of = as_of_date()
    employer = current_employer().display_name
    entries = [(employer, found.title, item) for item in position_risk(found, as_of)]
    sheets = spreadsheet_exports.risk_signs(entries, as_of)
    return xlsx_download(workbook_bytes(sheets, as_of), f"risk-position-{found.id}.xlsx")


@bp.get("/risk")
@policy(SIGNED_IN)
def clients():
    """A representative's clients: every fee and fraud finding of every position of every
    employer they represent (their own employers are on each position's page)."""
    risks = clients_risk(current_user.id, as_of_date())
    return render_template("risk/clients.html", clients=risks, listed=newest_first(risks))


@bp.get("/risk.xlsx")
@policy(SIGNED_IN)
def clients_xlsx():
    """Every client's fee and fraud signs in the risk view's order, as a spreadsheet."""
    as_of = as_of_date()
    listed = newest_first(clients_risk(current_user.id, as_of))
    entries = [(e.employer.display_name, e.position.title, e.item) for e in listed]
    return xlsx_download(
        workbook_bytes(spreadsheet_exports.risk_signs(entries, as_of), as_of), "risk-clients.xlsx"
    )
