"""Employment agreements in the filing bundle (issue 8): each worker's issued version goes into
the ZIP, checked against its recorded SHA-256, and the index lists it with its signatures, its
signed copy, the waivers it was issued under and what is still open about it."""

import io
import re
import zipfile
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from portal.bundle import BundleAgreement, BundleError, build_bundle
from tests.bundle.conftest import make_context, make_evidence, pdf_bytes, sha256

LETTER = pdf_bytes("Employment agreement between Maple Leaf Bakery and Maria Santos")


def agreement(**overrides) -> BundleAgreement:
    values = {
        "worker": "Maria Santos",
        "version": 2,
        "language": "fr",
        "issued_at": datetime(2026, 2, 10, 14, 5, tzinfo=UTC),
        "issued_by": "Sofia Marchetti",
        "sha256": sha256(LETTER),
        "size": len(LETTER),
        "open": lambda: io.BytesIO(LETTER),
        "employer_signed_on": date(2026, 2, 11),
        "employer_signed_by": "Sofia Marchetti",
        "worker_signed_on": date(2026, 2, 12),
        "worker_signed_by": "Maria Santos",
        "signed_copies": (1,),
        "waivers": (
            {
                "rule": "OFFER-MATCH",
                "about": "Worker: Maria Santos · job offer",
                "reason": "Raise agreed in writing on 2026-02-09.",
                "by": "Priya Raman",
            },
        ),
    }
    values.update(overrides)
    return BundleAgreement(**values)


def build(tmp_path, agreements, evidence=None):
    out = tmp_path / "bundle.zip"
    evidence = evidence if evidence is not None else [signed_copy()]
    result = build_bundle(out, make_context(agreements=tuple(agreements)), evidence)
    with zipfile.ZipFile(out) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return result, members


def signed_copy():
    scan = pdf_bytes("Signed agreement, Maria Santos")
    return make_evidence(1, "signed_offer", scan, ".pdf", date(2026, 2, 12))


def index_text(members) -> str:
    pages = PdfReader(io.BytesIO(members["00-index.pdf"])).pages
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in pages))


def section(text: str, heading: str, following: str) -> str:
    start = text.index(heading)
    return text[start : text.index(following, start)]


def test_an_issued_signed_agreement_is_in_the_zip_and_its_sums(tmp_path):
    result, members = build(tmp_path, [agreement()])

    name = "agreement-01-maria-santos-v2.pdf"
    assert list(members) == [
        "00-index.pdf",
        "01-signed-offer-2026-02-12.pdf",
        name,
        "case.json",
        "SHA256SUMS",
    ]
    assert result.members == list(members)
    assert members[name] == LETTER
    assert f"{sha256(LETTER)}  {name}\n" in members["SHA256SUMS"].decode()


def test_the_index_lists_the_agreement_with_signatures_copy_and_waiver(tmp_path):
    _result, members = build(tmp_path, [agreement()])

    text = index_text(members)
    listed = section(text, "Employment agreements", "Evidence No.")
    assert "Maria Santos" in listed
    assert "Version 2 (French), issued 2026-02-10 14:05 UTC by Sofia Marchetti" in listed
    assert "agreement-01-maria-santos-v2.pdf" in listed
    assert sha256(LETTER) in listed.replace(" ", "")
    assert "Signed by the employer on 2026-02-11 (Sofia Marchetti)" in listed
    assert "Signed by the worker on 2026-02-12 (Maria Santos)" in listed
    assert "Signed copy: evidence no. 1" in listed
    assert "Issued with a waived error: OFFER-MATCH" in listed
    assert "waived by Priya Raman: Raise agreed in writing on 2026-02-09." in listed
    assert "Out of date" not in listed
    assert "Employment agreements still open" not in text  # nothing open about it
    assert "1 issued employment agreement(s)" in text


@pytest.mark.parametrize(
    ("overrides", "open_item"),
    [
        ({"worker_signed_on": None}, "Maria Santos: not signed by the worker"),
        (
            {"employer_signed_on": None, "worker_signed_on": None},
            "Maria Santos: not signed by the employer or the worker",
        ),
        ({"signed_copies": ()}, "Maria Santos: signed, but no signed copy is in the evidence"),
        (
            {"out_of_date": True},
            "Maria Santos: version 2 is out of date: the position or the offer changed after it "
            "was issued",
        ),
    ],
)
def test_an_unsigned_or_out_of_date_agreement_is_an_open_item(tmp_path, overrides, open_item):
    _result, members = build(tmp_path, [agreement(**overrides)])

    text = index_text(members)
    cover = section(text, "Employment agreements still open", "Contents")
    assert open_item in cover
    assert "agreement-01-maria-santos-v2.pdf" in members  # still in the bundle, flagged


def test_an_out_of_date_version_says_so_in_the_list(tmp_path):
    _result, members = build(tmp_path, [agreement(out_of_date=True)])

    listed = section(index_text(members), "Employment agreements", "Evidence No.")
    assert "Out of date: the position or the offer changed after this version was issued." in (
        listed
    )


def test_a_worker_without_an_issued_version_is_listed_and_open(tmp_path):
    none_yet = BundleAgreement(worker="Ana Lima")

    _result, members = build(tmp_path, [agreement(), none_yet])

    assert [n for n in members if n.startswith("agreement-")] == [
        "agreement-01-maria-santos-v2.pdf"
    ]
    text = index_text(members)
    assert "Ana Lima: no agreement issued" in section(text, "still open", "Contents")
    listed = section(text, "Employment agreements", "Evidence No.")
    assert "Ana Lima No version issued." in listed


def test_names_become_plain_file_names(tmp_path):
    odd = agreement(worker="José <b>Núñez</b>/../x", version=1)

    _result, members = build(tmp_path, [odd, agreement(worker="José Núñez", version=3)])

    names = [n for n in members if n.startswith("agreement-")]
    assert names == ["agreement-01-jose-b-nunez-b-x-v1.pdf", "agreement-02-jose-nunez-v3.pdf"]
    assert "José <b>Núñez" in index_text(members)  # text, not markup


def test_a_letter_that_does_not_match_its_hash_stops_the_build(tmp_path):
    tampered = agreement(open=lambda: io.BytesIO(LETTER + b"%"))

    with pytest.raises(BundleError, match="Maria Santos .version 2.: the stored file does not"):
        build(tmp_path, [tampered])
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_without_workers_the_index_has_no_agreements_section(tmp_path):
    _result, members = build(tmp_path, [], evidence=[])

    text = index_text(members)
    assert "Employment agreements" not in text
    assert "issued employment agreement" not in text
