from datetime import date

from flask import render_template
from flask_login import current_user

from portal.dashboard import bp
from portal.dashboard.status import (
    clients_page,
    position_statuses,
    positions_by_employer,
    risk_per_client,
)
from portal.invitations.services import invitations_waiting_for
from portal.models import Role
from portal.positions.labels import STREAMS
from portal.reviews import from_representative, open_requests_across
from portal.tenancy import PUBLIC, my_memberships, policy
from portal.web import page_number


@bp.get("/")
@policy(PUBLIC)
def index():
    if not current_user.is_authenticated:
        return render_template("dashboard/landing.html")
    memberships = my_memberships()
    clients = [m for m in memberships if m.role == Role.REPRESENTATIVE]
    own = [m for m in memberships if m.role != Role.REPRESENTATIVE]
    requests = open_requests_across(current_user.id)
    status_page = position_statuses(
        current_user.id, memberships, date.today(), requests, page=page_number()
    )
    statuses = status_page.statuses
    client_page = clients_page(clients, page_number("clients_page"))
    # Positions by name for the clients of this page only (the clients table names them); counts
    # for those and the user's own employers.
    listed = {m.employer_id for m in client_page.clients}
    positions, position_counts = positions_by_employer(
        current_user.id, listed | {m.employer_id for m in own}, listed
    )
    # Requests still open (a request about a finding that was fixed or waived no longer is),
    # as far as the positions of this page tell; the others are listed as they are.
    shown = {s.position.id: s for s in statuses}
    still_open = {r.id for s in statuses for r in s.requests}
    represented = {m.employer_id for m in clients}
    # Who asked whom, as the home page's four lists (each shown only when not empty).
    asked = {"by_clients": [], "to_clients": [], "by_representative": [], "to_representative": []}
    for request in requests:
        if request.position_id in shown and request.id not in still_open:
            continue
        by_rep = from_representative(request)
        if request.employer_id in represented:
            asked["to_clients" if by_rep else "by_clients"].append(request)
        else:
            asked["by_representative" if by_rep else "to_representative"].append(request)
    names = {m.employer_id: m.employer.display_name for m in memberships}
    return render_template(
        "dashboard/index.html",
        clients=client_page.clients,
        client_page=client_page,
        own=own,
        positions=positions,
        position_counts=position_counts,
        statuses=statuses,
        status_page=status_page,
        stream_names=STREAMS,
        asked=asked,
        employer_names=names,
        subject_labels={s.position.id: s.labels for s in statuses},
        pending_invitations=invitations_waiting_for(current_user),
        # Fee and fraud signs per client (the representative's risk view lists them).
        risk_counts=risk_per_client(current_user.id, represented),
    )
