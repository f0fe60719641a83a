"""``flask seed-demo``: demo people and employers for a developer's machine."""

from sqlalchemy import select

from portal.audit import verify_chain
from portal.commands.demo import DEMO_PASSWORD, DEMO_PEOPLE
from portal.extensions import db
from portal.models import Employer, Membership, Role, User
from tests.accounts._support import count, login


def _seed(app, *args):
    return app.test_cli_runner().invoke(args=["seed-demo", *args])


def test_seed_demo_creates_people_employers_and_prints_logins(app):
    result = _seed(app)

    assert result.exit_code == 0, result.output
    for _, email in DEMO_PEOPLE.values():
        assert email in result.output
    assert DEMO_PASSWORD in result.output
    with app.app_context():
        users = {u.email: u for u in db.session.scalars(select(User))}
        assert set(users) == {email for _, email in DEMO_PEOPLE.values()}
        assert db.session.scalar(select(db.func.count()).select_from(Employer)) == 2

        def roles_of(key):
            user = users[DEMO_PEOPLE[key][1]]
            return sorted(
                (m.employer.legal_name, m.role)
                for m in db.session.scalars(select(Membership).where(Membership.user_id == user.id))
            )

        assert roles_of("owner") == [("Marchetti Hospitality Inc.", Role.OWNER)]
        assert roles_of("staff") == [("Marchetti Hospitality Inc.", Role.STAFF)]
        assert roles_of("second_owner") == [("Prairie Greens Produce Ltd.", Role.OWNER)]
        assert roles_of("lawyer") == [
            ("Marchetti Hospitality Inc.", Role.REPRESENTATIVE),
            ("Prairie Greens Produce Ltd.", Role.REPRESENTATIVE),
        ]
        lawyer_memberships = db.session.scalars(
            select(Membership).where(Membership.role == Role.REPRESENTATIVE)
        ).all()
        assert all(m.law_society and m.law_society_number for m in lawyer_memberships)
        assert verify_chain(db.session) is None


def test_seeded_logins_work(app):
    assert _seed(app).exit_code == 0

    for _, email in DEMO_PEOPLE.values():
        assert login(app.test_client(), email, DEMO_PASSWORD).status_code == 302


def test_seed_demo_if_empty_does_nothing_on_a_seeded_database(app):
    assert _seed(app).exit_code == 0
    before = count(app, User), count(app, Employer), count(app, Membership)

    result = _seed(app, "--if-empty")

    assert result.exit_code == 0, result.output
    assert "not seeded" in result.output
    assert DEMO_PASSWORD not in result.output
    assert (count(app, User), count(app, Employer), count(app, Membership)) == before


def test_seed_demo_if_empty_does_nothing_when_real_users_exist(app, make):
    make.user()

    result = _seed(app, "--if-empty")

    assert result.exit_code == 0
    assert count(app, User) == 1
    assert count(app, Employer) == 0


def test_seed_demo_if_empty_seeds_an_empty_database(app):
    result = _seed(app, "--if-empty")

    assert result.exit_code == 0, result.output
    assert count(app, User) == len(DEMO_PEOPLE)


def test_seed_demo_twice_is_refused(app):
    assert _seed(app).exit_code == 0

    result = _seed(app)

    assert result.exit_code != 0
    assert "already seeded" in result.output
    assert count(app, User) == len(DEMO_PEOPLE)
