"""The risk pages through HTTP: a position's fee and fraud findings with their records, and a
representative's list across every client (never another employer's), with a count per client
on the dashboard."""

import re

import pytest

from portal.models import Role
from tests.helpers import text_of
from tests.risk.support import CHEF, import_demo

CANARY = "Unrepresented Canary Foods"


@pytest.fixture
def world(app, make):
    owner = make.user(name="Olivia Owner")
    bistro = make.employer(owner, legal_name="Bistro Holdings Inc.", operating_name="Bistro")
    cook = import_demo(app, bistro.id, owner.id)
    chef = import_demo(app, bistro.id, owner.id, CHEF)
    other_owner = make.user()
    farm = make.employer(other_owner, legal_name="Farm Ltd.", operating_name="Farm")
    farm_cook = import_demo(app, farm.id, other_owner.id, title="Farm kitchen hand")
    stranger_owner = make.user()
    stranger = make.employer(stranger_owner, legal_name=CANARY, operating_name=CANARY)
    import_demo(app, stranger.id, stranger_owner.id, title="Canary cook")
    lawyer = make.user(name="Lena Lawyer")
    make.member(bistro, lawyer, Role.REPRESENTATIVE)
    make.member(farm, lawyer, Role.REPRESENTATIVE)
    return {
        "owner": make.signed_in_client(owner),
        "lawyer": make.signed_in_client(lawyer),
        "stranger": make.signed_in_client(stranger_owner),
        "bistro": bistro.id,
        "farm": farm.id,
        "cook": cook,
        "chef": chef,
        "farm_cook": farm_cook,
    }


def url(employer_id, position_id):
    return f"/employers/{employer_id}/positions/{position_id}/risk"


def test_the_position_risk_view_lists_the_findings_with_their_records(world):
    response = world["owner"].get(url(world["bistro"], world["cook"]))

    assert response.status_code == 200
    text = text_of(response)
    assert "FEE-NO-RECOVERY" in text
    assert "FEE-RECRUITER-LICENSED" in text
    assert "Global Kitchen Staffing" in text
    assert "Records behind it:" in text
    assert "To check:" in text
    assert "REC-" not in text  # recruitment rules are the compliance page's, not risk


def test_the_position_risk_view_lists_newest_first(world):
    html = world["owner"].get(url(world["bistro"], world["cook"])).get_data(as_text=True)

    days = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', html)
    assert days == sorted(days, reverse=True)
    first_undated = html.find("no date")
    assert first_undated == -1 or all(html.rfind(f'datetime="{d}"') < first_undated for d in days)


def test_a_clean_position_says_so(world):
    response = world["owner"].get(url(world["bistro"], world["chef"]))

    assert response.status_code == 200
    assert "No fee or fraud finding for this position." in text_of(response)


def test_head_answers_like_get(world):
    assert world["owner"].head(url(world["bistro"], world["cook"])).status_code == 200


def test_another_employers_position_is_a_404(world):
    assert world["stranger"].get(url(world["bistro"], world["cook"])).status_code == 404
    # The right employer in the URL, another employer's position id: still a 404.
    assert world["owner"].get(url(world["bistro"], world["farm_cook"])).status_code == 404


def test_the_compliance_page_links_to_the_risk_view(world):
    page = world["owner"].get(f"/employers/{world['bistro']}/positions/{world['cook']}/compliance")

    assert url(world["bistro"], world["cook"]) in page.get_data(as_text=True)


def counts(html: str) -> dict[str, str]:
    table = html.split('class="responsive risk-clients"', 1)[1].split("</table>", 1)[0]
    found = {}
    for row in re.findall(r"<tr id=\"client-\d+\">(.*?)</tr>", table, re.S):
        cells = re.findall(r'<td data-label="[^"]+"[^>]*>(.*?)</td>', row, re.S)
        name, count = (" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells[:2])
        found[name] = count
    return found


def test_the_representative_sees_every_client_with_a_count_and_never_another_employer(world):
    response = world["lawyer"].get("/risk")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert CANARY not in html and "Canary cook" not in html
    per_client = counts(html)
    assert set(per_client) == {"Bistro", "Farm"}
    assert int(per_client["Bistro"]) > 0
    assert per_client["Bistro"] == per_client["Farm"]  # the same line cook's file, imported twice
    assert "Farm kitchen hand" in html and "Line cook" in html


def test_the_all_clients_list_is_newest_first_across_clients(world):
    html = world["lawyer"].get("/risk").get_data(as_text=True)
    listed = html.split("<h2>Newest first</h2>", 1)[1]

    days = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', listed)
    assert len(days) >= 2
    assert days == sorted(days, reverse=True)


def test_an_owner_who_represents_nobody_sees_an_empty_clients_page(world):
    response = world["owner"].get("/risk")

    assert response.status_code == 200
    assert "You do not represent any employer." in text_of(response)
    assert "Global Kitchen Staffing" not in text_of(response)


def test_the_clients_page_needs_a_sign_in(client):
    response = client.get("/risk")

    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_the_dashboard_shows_a_count_per_client(world):
    html = world["lawyer"].get("/").get_data(as_text=True)
    clients = html.split('class="responsive clients"', 1)[1].split("</table>", 1)[0]
    risk_page = world["lawyer"].get("/risk").get_data(as_text=True)
    per_client = counts(risk_page)

    cells = re.findall(r'class="risk-count">(.*?)</td>', clients, re.S)
    shown = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]
    assert shown == [f"{per_client['Bistro']} to check", f"{per_client['Farm']} to check"]
    assert "/risk#client-" in clients


def test_the_owners_dashboard_has_no_client_count(world):
    html = world["owner"].get("/").get_data(as_text=True)

    assert "risk-count" not in html


@pytest.fixture
def engine_runs(monkeypatch):
    """Count the rules engine's runs, wherever the pages call it from."""
    from portal.positions import compliance

    runs = []

    def counting(original):
        def run(case, *args, **kwargs):
            runs.append(case.position.title)
            return original(case, *args, **kwargs)

        return run

    # The risk view runs the engine through compliance.engine_run too (issue 12).
    monkeypatch.setattr(compliance, "evaluate", counting(compliance.evaluate))
    return runs


def test_the_clients_page_runs_the_rules_once_per_position(world, engine_runs):
    world["lawyer"].get("/risk")

    # Bistro: line cook and chef; Farm: its kitchen hand. Never the unrepresented employer's.
    assert sorted(engine_runs) == sorted(["Line cook", "Chef de cuisine", "Farm kitchen hand"])


def test_the_dashboard_count_costs_no_second_run_of_the_rules(world, engine_runs):
    world["lawyer"].get("/")

    assert sorted(engine_runs) == sorted(["Line cook", "Chef de cuisine", "Farm kitchen hand"])


def test_the_clients_page_skips_the_rules_where_the_stored_verdict_has_nothing(
    app, world, engine_runs, monkeypatch
):
    """A position whose current stored verdict counts no fee or fraud item, and that has no
    waiver, has nothing to list: the page does not run the rules for it (issue 12: a firm's
    hundreds of clients made it run them for every position on every view)."""
    from collections import OrderedDict

    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Position, PositionVerdict
    from portal.positions import compliance
    from tests.evidence_views.support import add_position

    add_position(app, world["bistro"], "Clean dishwasher")
    assert world["lawyer"].get("/").status_code == 200  # the dashboard stores every verdict
    with app.app_context():
        risky = set(
            db.session.scalars(
                select(Position.title)
                .join(PositionVerdict, PositionVerdict.position_id == Position.id)
                .where(PositionVerdict.risk > 0)
            )
        )
    assert "Line cook" in risky and "Clean dishwasher" not in risky
    monkeypatch.setattr(compliance, "_CHECKED", OrderedDict())  # no run kept from the dashboard
    engine_runs.clear()

    html = world["lawyer"].get("/risk").get_data(as_text=True)

    assert "Clean dishwasher" in html  # still listed, with nothing to check
    assert "Clean dishwasher" not in engine_runs
    assert set(engine_runs) == risky - {"Canary cook"}
