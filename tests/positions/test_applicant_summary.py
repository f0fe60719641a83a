"""The LMIA summary on the applicants page is computed from the log (entered through the form)."""

import re

from tests.helpers import text_of

_FACT = re.compile(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>")
_REASON = re.compile(r"<li>([^<:]+): (\d+)</li>")


def _summary(page: str) -> tuple[dict, dict]:
    section = page.split('<dl class="facts summary">', 1)[1].split("</section>", 1)[0]
    facts = {name: int(value) for name, value in _FACT.findall(section)}
    reasons = {name: int(value) for name, value in _REASON.findall(section)}
    return facts, reasons


def _add(shop, url, **fields):
    body = {"status": "citizen", "applied_on": "2026-03-05", "channel": "", "reason_code": ""}
    response = shop.post(url + "applicants/new", body | fields)
    assert response.status_code == 302, text_of(response)


def test_the_summary_counts_local_applicants_by_stage_and_reasons(shop):
    _, url = shop.create_position()
    # Three citizens: one hired, one interviewed but lacking experience, one who never answered.
    _add(shop, url, name="Hana Hired", interviewed_on="2026-03-09", offered="y", hired="y")
    _add(
        shop,
        url,
        name="Ivan Interviewed",
        interviewed_on="2026-03-10",
        reason_code="lacks_experience",
    )
    _add(shop, url, name="Nia Silent", reason_code="no_response")
    # Two foreign nationals, one interviewed and given a reason: neither counts as local.
    _add(
        shop,
        url,
        name="Fay Foreign",
        status="foreign",
        interviewed_on="2026-03-11",
        reason_code="lacks_language_en_fr",
    )
    _add(shop, url, name="Flo Foreign", status="foreign", offered="y")

    page = shop.client().get(url + "applicants")
    assert page.status_code == 200
    facts, reasons = _summary(text_of(page))
    assert facts == {
        "Local applicants who applied": 3,
        "Interviewed": 2,
        "Offered the job": 1,
        "Hired": 1,
        "Foreign nationals who applied": 2,
    }
    assert reasons == {"Lacks the experience": 1, "Did not respond": 1}
    assert "have no reason recorded" not in text_of(page)
    for name in ("Hana Hired", "Ivan Interviewed", "Nia Silent", "Fay Foreign", "Flo Foreign"):
        assert name in text_of(page)


def test_local_applicants_without_a_reason_are_flagged(shop):
    _, url = shop.create_position()
    _add(shop, url, name="Pat Resident", status="permanent_resident")
    _add(shop, url, name="Al Authorized", status="authorized", reason_code="withdrew")
    facts, reasons = _summary(text_of(shop.client().get(url + "applicants")))
    assert facts["Local applicants who applied"] == 2
    assert facts["Hired"] == 0
    assert reasons == {"Withdrew": 1}
    assert "1 local applicants not hired have no reason recorded." in text_of(
        shop.client().get(url + "applicants")
    )
