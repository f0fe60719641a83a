"""Employers: creation and profile validation, stale edits, work locations, members."""

import pytest

from portal.extensions import db
from portal.models import Employer, Membership, Role, UserSession, WorkLocation
from tests.accounts._support import (
    count,
    employer_form,
    field_error,
    form_token,
    page_text,
    post_form,
    rows,
    text_of,
)


def _nothing_saved(app):
    assert count(app, Employer) == 0
    assert count(app, Membership) == 0
    assert count(app, WorkLocation) == 0


@pytest.fixture
def owner_client(make):
    owner = make.user()
    return owner, make.signed_in_client(owner)


def test_valid_employer_is_created_with_owner_and_first_location(owner_client, app):
    owner, client = owner_client

    response = post_form(client, "/employers/new", employer_form())

    assert response.status_code == 302
    (employer,) = rows(app, Employer)
    assert employer.business_number == "123456789"
    assert employer.postal_code == "M5V 3L9"
    assert employer.phone == "+1 416-555-0199"
    (membership,) = rows(app, Membership)
    assert (membership.user_id, membership.role) == (owner.id, Role.OWNER)
    (location,) = rows(app, WorkLocation)
    assert (location.street_address, location.employee_count) == ("1 Bay St", 4)
    assert response.headers["Location"] == f"/employers/{employer.id}/members"


@pytest.mark.parametrize(
    "business_number", ["12345678", "12345678A", "abcdefghi", "123456789RT0001"]
)
def test_invalid_business_number_is_422_and_saves_nothing(owner_client, app, business_number):
    _, client = owner_client

    response = post_form(client, "/employers/new", employer_form(business_number=business_number))

    assert response.status_code == 422
    error = field_error(response, "business_number")
    assert error.startswith("CRA business number:")
    assert "9-digit business number" in error
    _nothing_saved(app)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("postal_code", "12345", "Postal code: Enter a Canadian postal code, like K1A 0B1."),
        ("postal_code", "D1A 1A1", "Postal code: Enter a Canadian postal code, like K1A 0B1."),
        ("phone", "555-0199", "Phone: Enter a 10-digit phone number, e.g. 416-555-0199."),
        ("phone", "016 555 0199", "Phone: Enter a 10-digit phone number, e.g. 416-555-0199."),
        ("province", "", "Province or territory: Choose a province or territory."),
        ("legal_name", "", "Legal name: This field is required."),
        (
            "employees_at_address",
            "-1",
            "Employees at this address: Number must be between 0 and 1000000.",
        ),
        ("employees_at_address", "", "Employees at this address: Enter a whole number, 0 or more."),
        ("naics_code", "7225", "NAICS code (optional): A NAICS code has 6 digits."),
    ],
)
def test_invalid_employer_field_is_422_and_saves_nothing(owner_client, app, field, value, expected):
    _, client = owner_client

    response = post_form(client, "/employers/new", employer_form(**{field: value}))

    assert response.status_code == 422
    assert field_error(response, field) == expected
    _nothing_saved(app)


def test_unknown_province_code_is_refused(owner_client, app):
    _, client = owner_client

    response = post_form(client, "/employers/new", employer_form(province="ZZ"))

    assert response.status_code == 422
    assert field_error(response, "province").startswith("Province or territory:")
    _nothing_saved(app)


def test_creating_an_employer_needs_a_signed_in_user(client, app):
    response = client.get("/employers/new")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")
    _nothing_saved(app)


# Profile edits ------------------------------------------------------------------------------


def _profile_data(employer, **overrides):
    data = {
        "legal_name": employer.legal_name,
        "operating_name": employer.operating_name or "",
        "business_number": employer.business_number,
        "street_address": employer.street_address,
        "city": employer.city,
        "province": employer.province,
        "postal_code": employer.postal_code,
        "phone": employer.phone,
        "naics_code": employer.naics_code or "",
        "version": str(employer.version),
    }
    data.update(overrides)
    return data


def test_profile_edit_saves_and_bumps_version(make, app):
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)
    url = f"/employers/{employer.id}/profile"

    response = post_form(client, url, _profile_data(employer, legal_name="Renamed Ltd."))

    assert response.status_code == 302
    (saved,) = rows(app, Employer)
    assert saved.legal_name == "Renamed Ltd."
    assert saved.version == employer.version + 1


def test_profile_edit_with_stale_version_is_409_keeps_typed_value_and_saves_nothing(make, app):
    owner = make.user()
    employer = make.employer(owner)
    url = f"/employers/{employer.id}/profile"
    alice = make.signed_in_client(owner)
    bob = make.signed_in_client(owner)
    # Both open the form at version 1; Bob saves first.
    alice_form = alice.get(url)
    assert f'name="version" type="hidden" value="{employer.version}"' in text_of(alice_form)
    assert post_form(bob, url, _profile_data(employer, city="Ottawa")).status_code == 302

    response = post_form(alice, url, _profile_data(employer, legal_name="Alice Typed This Ltd."))

    assert response.status_code == 409
    body = text_of(response)
    assert 'value="Alice Typed This Ltd."' in body
    assert "Someone else changed this profile while you were editing" in page_text(response)
    # The version offered for the next save is the current one, not the stale one.
    assert f'name="version" type="hidden" value="{employer.version + 1}"' in body
    (saved,) = rows(app, Employer)
    assert saved.legal_name == employer.legal_name
    assert saved.city == "Ottawa"
    assert saved.version == employer.version + 1


def test_profile_edit_with_invalid_business_number_is_422(make, app):
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)

    response = post_form(
        client,
        f"/employers/{employer.id}/profile",
        _profile_data(employer, business_number="123456789RT0001", legal_name="New Name"),
    )

    assert response.status_code == 422
    assert "9-digit business number" in field_error(response, "business_number")
    (saved,) = rows(app, Employer)
    assert (saved.legal_name, saved.business_number) == (
        employer.legal_name,
        employer.business_number,
    )


@pytest.mark.parametrize("role", [Role.STAFF, Role.VIEWER, Role.REPRESENTATIVE])
def test_only_owners_edit_the_profile(make, app, role):
    employer = make.employer()
    member = make.user()
    make.member(employer, member, role=role)
    client = make.signed_in_client(member)

    assert client.get(f"/employers/{employer.id}/profile").status_code == 403


def test_non_member_gets_404_for_another_employers_profile(make):
    employer = make.employer()
    stranger = make.user()
    make.employer(stranger)
    client = make.signed_in_client(stranger)

    assert client.get(f"/employers/{employer.id}/profile").status_code == 404
    assert client.get(f"/employers/{employer.id}/").status_code == 404


# Work locations -----------------------------------------------------------------------------


def _location_data(**overrides):
    data = {
        "street_address": "99 King St W",
        "city": "Toronto",
        "province": "ON",
        "postal_code": "M5H 1J9",
        "employee_count": "3",
    }
    data.update(overrides)
    return data


def test_work_location_add_edit_remove(make, app):
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)
    base = f"/employers/{employer.id}/locations"

    response = post_form(client, f"{base}/new", _location_data())
    assert response.status_code == 302
    first, added = rows(app, WorkLocation)
    assert (added.street_address, added.postal_code, added.employee_count) == (
        "99 King St W",
        "M5H 1J9",
        3,
    )

    response = post_form(
        client, f"{base}/{added.id}", _location_data(city="Mississauga", employee_count="7")
    )
    assert response.status_code == 302
    edited = rows(app, WorkLocation, WorkLocation.id == added.id)[0]
    assert (edited.city, edited.employee_count) == ("Mississauga", 7)

    response = post_form(client, f"{base}/{added.id}/remove", {}, token_from=f"{base}/{added.id}")
    assert response.status_code == 302
    assert [loc.id for loc in rows(app, WorkLocation)] == [first.id]


def test_work_location_with_negative_employees_is_422(make, app):
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)

    response = post_form(
        client, f"/employers/{employer.id}/locations/new", _location_data(employee_count="-2")
    )

    assert response.status_code == 422
    assert field_error(response, "employee_count") == (
        "Employees at this location: Number must be between 0 and 1000000."
    )
    assert count(app, WorkLocation) == 1


def test_work_location_with_bad_postal_code_is_422(make, app):
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)
    (location,) = rows(app, WorkLocation)
    url = f"/employers/{employer.id}/locations/{location.id}"

    response = post_form(client, url, _location_data(postal_code="ABC"))

    assert response.status_code == 422
    assert field_error(response, "postal_code").startswith("Postal code:")
    assert rows(app, WorkLocation)[0].postal_code == location.postal_code


def test_the_last_work_location_cannot_be_removed(make, app):
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)
    (location,) = rows(app, WorkLocation)
    url = f"/employers/{employer.id}/locations/{location.id}"

    response = post_form(client, f"{url}/remove", {}, token_from=url)

    assert response.status_code == 409
    assert count(app, WorkLocation, WorkLocation.employer_id == employer.id) == 1


def test_the_refusal_to_remove_the_last_location_is_explained_on_the_page(make, app):
    """A 409 with a Location header is not followed by browsers: the page itself must explain."""
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)
    (location,) = rows(app, WorkLocation)
    url = f"/employers/{employer.id}/locations/{location.id}"

    response = post_form(client, f"{url}/remove", {}, token_from=url)

    assert response.status_code == 409
    assert "An employer needs at least one work location." in page_text(response)


def test_another_employers_location_is_404(make, app):
    owner = make.user()
    mine = make.employer(owner)
    theirs = make.employer()
    client = make.signed_in_client(owner)
    their_location = rows(app, WorkLocation, WorkLocation.employer_id == theirs.id)[0]
    url = f"/employers/{mine.id}/locations/{their_location.id}"

    assert client.get(url).status_code == 404
    response = post_form(
        client, f"{url}/remove", {}, token_from=f"/employers/{mine.id}/locations/new"
    )
    assert response.status_code == 404
    assert count(app, WorkLocation, WorkLocation.employer_id == theirs.id) == 1


# Members ------------------------------------------------------------------------------------


def _revoke(client, employer_id, membership_id):
    return post_form(
        client,
        f"/employers/{employer_id}/members/{membership_id}/revoke",
        {},
        token_from=f"/employers/{employer_id}/members",
    )


def test_owner_revokes_a_member_and_their_sessions_end(make, app):
    owner = make.user()
    employer = make.employer(owner)
    staff = make.user()
    membership = make.member(employer, staff, role=Role.STAFF)
    staff_client = make.signed_in_client(staff)
    assert staff_client.get(f"/employers/{employer.id}/").status_code == 200
    client = make.signed_in_client(owner)

    response = _revoke(client, employer.id, membership.id)

    assert response.status_code == 302
    revoked = rows(app, Membership, Membership.id == membership.id)[0]
    assert revoked.revoked_at is not None
    assert revoked.revoked_by_id == owner.id
    assert (
        count(app, UserSession, UserSession.user_id == staff.id, UserSession.ended_at.is_(None))
        == 0
    )
    # The revoked member is signed out and has no access any more.
    assert staff_client.get(f"/employers/{employer.id}/").status_code == 302


def test_the_last_owner_cannot_be_revoked(make, app):
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)
    (membership,) = rows(app, Membership)

    response = _revoke(client, employer.id, membership.id)

    assert response.status_code == 409
    assert rows(app, Membership)[0].revoked_at is None
    assert client.get(f"/employers/{employer.id}/").status_code == 200


def test_the_refusal_to_revoke_the_last_owner_is_explained_on_the_page(make, app):
    """A 409 with a Location header is not followed by browsers: the page itself must explain."""
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)
    (membership,) = rows(app, Membership)

    response = _revoke(client, employer.id, membership.id)

    assert response.status_code == 409
    assert "An employer needs at least one owner." in page_text(response)


def test_one_of_two_owners_can_be_revoked(make, app):
    owner = make.user()
    employer = make.employer(owner)
    co_owner = make.user()
    co_membership = make.member(employer, co_owner, role=Role.OWNER)
    client = make.signed_in_client(owner)

    assert _revoke(client, employer.id, co_membership.id).status_code == 302
    own = rows(app, Membership, Membership.user_id == owner.id)[0]
    assert _revoke(client, employer.id, own.id).status_code == 409


@pytest.mark.parametrize("role", [Role.STAFF, Role.REPRESENTATIVE, Role.VIEWER])
def test_non_owners_cannot_revoke(make, app, role):
    owner = make.user()
    employer = make.employer(owner)
    member = make.user()
    make.member(employer, member, role=role)
    owner_membership = rows(app, Membership, Membership.user_id == owner.id)[0]
    client = make.signed_in_client(member)

    response = client.post(
        f"/employers/{employer.id}/members/{owner_membership.id}/revoke",
        data={"csrf_token": form_token(client, f"/employers/{employer.id}/")},
    )

    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Membership, owner_membership.id).revoked_at is None


def test_revoking_a_membership_of_another_employer_is_404(make, app):
    owner = make.user()
    mine = make.employer(owner)
    theirs = make.employer()
    their_membership = rows(app, Membership, Membership.employer_id == theirs.id)[0]
    client = make.signed_in_client(owner)

    response = _revoke(client, mine.id, their_membership.id)

    assert response.status_code == 404
    assert rows(app, Membership, Membership.id == their_membership.id)[0].revoked_at is None
