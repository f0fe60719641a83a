from tests.helpers import post_form, sign_up, text_of


def test_signup_create_employer_and_see_it(client, app):
    sign_up(client, app, "ana@example.com", "a long enough passphrase")
    response = post_form(
        client,
        "/employers/new",
        {
            "legal_name": "Lima Foods Inc.",
            "business_number": "123 456 789",
            "street_address": "1 Bay St",
            "city": "Toronto",
            "province": "ON",
            "postal_code": "m5v3l9",
            "phone": "416 555 0199",
            "employees_at_address": "4",
        },
    )
    assert response.status_code == 302, text_of(response)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Lima Foods Inc." in text_of(page)
