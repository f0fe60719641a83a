"""Issue 7, U5: invitations waiting for the signed-in (confirmed) address are on the home page,
with a link to accept them; links in kept mail are clickable (and nothing else becomes markup)."""

import pytest

from portal.mail.text import link_urls
from portal.models import Membership, Role, User
from tests.accounts._support import (
    confirm_signup,
    count,
    invite,
    page_text,
    post_form,
    rows,
    signup,
    text_of,
)
from tests.two_factor_steps import second_step

LAWYER = "lawyer@firm.example"


@pytest.fixture
def bistro(make):
    owner = make.user(full_name="Sofia Marchetti")
    employer = make.employer(owner, operating_name="Maple Leaf Bistro")
    assert (
        invite(make.signed_in_client(owner), employer.id, LAWYER, Role.REPRESENTATIVE).status_code
        == 302
    )
    return employer


def _waiting_link(page) -> str:
    html = text_of(page)
    start = html.index('href="/invitations/waiting/') + len('href="')
    return html[start : html.index('"', start)]


def test_a_lawyer_who_signs_up_finds_the_invitation_on_the_home_page(app, client, bistro):
    signup(client, LAWYER)
    confirm_signup(app, client, LAWYER)

    home = client.get("/")

    text = page_text(home)
    assert "An invitation is waiting for you" in text
    assert "Sofia Marchetti invites you to Maple Leaf Bistro as Representative" in text
    path = _waiting_link(home)
    accept_page = client.get(path)
    assert accept_page.status_code == 200
    assert "CICC licence number" in page_text(accept_page)

    response = post_form(client, path, {"cicc_number": "R712345"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/employers/{bistro.id}/"
    (user,) = rows(app, User, User.email == LAWYER)
    (membership,) = rows(app, Membership, Membership.user_id == user.id)
    assert (membership.employer_id, membership.role) == (bistro.id, Role.REPRESENTATIVE)
    # A representative needs two-factor sign-in: the next page asks to set it up.
    assert client.get("/").headers["Location"].startswith("/account/two-factor/enrol")
    second_step(client, app, LAWYER)
    # Accepted: no longer waiting, and its link is spent.
    assert "waiting for you" not in page_text(client.get("/"))
    assert client.get(path).status_code == 404


def test_the_home_page_link_is_for_that_user_only(app, make, client, bistro):
    signup(client, LAWYER)
    confirm_signup(app, client, LAWYER)
    path = _waiting_link(client.get("/"))
    someone_else = make.signed_in_client(make.user())

    assert someone_else.get(path).status_code == 404
    assert (
        post_form(
            someone_else, path, {"cicc_number": "R712345"}, token_from="/account/"
        ).status_code
        == 404
    )
    assert count(app, Membership, Membership.employer_id == bistro.id) == 1  # the owner only


def test_a_cancelled_invitation_is_no_longer_shown(app, make, client, bistro):
    signup(client, LAWYER)
    confirm_signup(app, client, LAWYER)
    path = _waiting_link(client.get("/"))
    owner = rows(app, Membership, Membership.employer_id == bistro.id)[0].user_id
    owner_client = make.signed_in_client(rows(app, User, User.id == owner)[0])
    members = owner_client.get(f"/employers/{bistro.id}/members")
    invitation_id = int(text_of(members).split("/invitations/")[1].split("/")[0])
    cancelled = post_form(
        owner_client,
        f"/employers/{bistro.id}/invitations/{invitation_id}/cancel",
        {},
        token_from=f"/employers/{bistro.id}/members",
    )
    assert cancelled.status_code == 302

    assert "waiting for you" not in page_text(client.get("/"))
    assert client.get(path).status_code == 404


def test_no_invitation_shown_to_someone_without_one(make):
    page = make.signed_in_client(make.user()).get("/")

    assert "waiting for you" not in page_text(page)
    assert "You are not part of an employer yet." in page_text(page)


def test_links_in_kept_mail_are_clickable(app, make, bistro):
    lawyer = make.user(email=LAWYER)

    page = make.signed_in_client(lawyer).get("/outbox/")

    html = text_of(page)
    start = html.index('<a href="http://localhost/invitations/')
    link = html[start : html.index("</a>", start)]
    assert 'rel="noopener noreferrer"' in link


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Open https://portal.example/a?x=1&y=2.",
            'Open <a href="https://portal.example/a?x=1&amp;y=2" rel="noopener noreferrer">'
            "https://portal.example/a?x=1&amp;y=2</a>.",
        ),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("javascript:alert(1) and ftp://x.example", "javascript:alert(1) and ftp://x.example"),
        (
            'http://x.example/"onmouseover="alert(1)',
            '<a href="http://x.example/" rel="noopener noreferrer">http://x.example/</a>'
            "&#34;onmouseover=&#34;alert(1)",
        ),
        ("mail ana@example.com (Ana)", "mail ana@example.com (Ana)"),
        (
            "(see http://x.example/p)",
            '(see <a href="http://x.example/p" rel="noopener noreferrer">http://x.example/p</a>)',
        ),
        ("", ""),
    ],
)
def test_link_urls_escapes_everything_and_links_only_http_urls(text, expected):
    assert str(link_urls(text)) == expected
