from tests.helpers import post_form, text_of


def test_owner_records_a_position_and_sees_its_compliance(make, app):
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)
    base = f"/employers/{employer.id}/positions"
    response = post_form(
        client,
        f"{base}/new",
        {
            "title": "Cook",
            "noc_code": "63200",
            "stream": "low_wage",
            "street_address": "1 King St W",
            "city": "Toronto",
            "province": "ON",
            "postal_code": "M5H 1A1",
            "economic_region": "ER3530",
            "cma": "Toronto",
            "wage_amount": "18.50",
            "wage_per": "hour",
            "hours_per_week": "40",
            "positions": "2",
            "duration_months": "12",
            "duties": "Prepare and cook meals; clean the kitchen.",
            "prevailing_wage_per": "hour",
            "incumbent_wage_per": "hour",
            "planned_submission_date": "2026-12-01",
        },
    )
    assert response.status_code == 302, text_of(response)
    position_url = response.headers["Location"]
    page = client.get(position_url)
    assert page.status_code == 200, text_of(page)
    assert "18.00" in text_of(page)  # the Job Bank median for cooks in Toronto
    response = post_form(
        client,
        position_url + "activities/new",
        {
            "method": "job_bank",
            "kind": "posting",
            "start_date": "2026-10-01",
            "platform": "Job Bank",
            "direct_apply": "y",
            "ad_wage_per": "hour",
        },
    )
    assert response.status_code == 302, text_of(response)
    page = client.get(position_url + "compliance")
    assert page.status_code == 200, text_of(page)
    assert "REC-ADDL-2" in text_of(page)
    assert "<svg" in text_of(page)
