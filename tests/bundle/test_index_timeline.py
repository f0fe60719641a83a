"""The index PDF draws the recruitment timeline as on screen, not as a black box (issue 7, U1).

The bundle is built through HTTP for a position with postings and an event; its index page is
rasterised with PDFium (pypdfium2, a dev dependency) and the area under the "Timeline" heading
is checked: several colours, the window's light blue and the postings' blue, little black.
"""

import io
import zipfile
from datetime import date

import pypdfium2 as pdfium
import pytest

from portal.extensions import db
from portal.models import Position, RecruitmentActivity
from tests.evidence_views.support import make_locker

WINDOW_BLUE = (0xE8, 0xF1, 0xFB)
POSTING_BLUE = (0x0B, 0x5C, 0xAD)


@pytest.fixture
def locker(database_url, tmp_path):
    locker = make_locker(database_url, tmp_path)
    with locker.app.app_context():
        position = db.session.get(Position, locker.position_id)
        position.planned_submission_date = date(2026, 3, 2)
        for key, fields in {
            "A1": {"method": "job_bank", "kind": "posting", "start_date": date(2026, 1, 5),
                   "end_date": date(2026, 2, 5), "platform": "Job Bank"},
            "A2": {"method": "job_board", "kind": "posting", "start_date": date(2026, 1, 12),
                   "platform": "Indeed"},
            "A3": {"method": "job_fair", "kind": "event", "event_date": date(2026, 1, 20),
                   "platform": "Toronto job fair"},
        }.items():  # fmt: skip
            position.activities.append(
                RecruitmentActivity(employer_id=locker.employer_id, case_key=key, **fields)
            )
        db.session.commit()
    yield locker
    with locker.app.app_context():
        db.engine.dispose()


def index_pdf(locker) -> bytes:
    started = locker.post("/bundles", {})
    assert started.status_code in (302, 303), started.status_code
    download = locker.client().get(started.headers["Location"] + "/download")
    assert download.status_code == 200, download.status_code
    with zipfile.ZipFile(io.BytesIO(download.data)) as bundle:
        return bundle.read("00-index.pdf")


def timeline_area(pdf: bytes, scale: float = 2.0):
    """The rendered area under the "Timeline" heading (PIL image), and the whole page."""
    document = pdfium.PdfDocument(pdf)
    for index in range(len(document)):
        page = document[index]
        text = page.get_textpage()
        searcher = text.search("Timeline", match_case=True, match_whole_word=True)
        found = searcher.get_next()
        if found is None:
            continue
        left, bottom, right, top = text.get_charbox(found[0])
        image = page.render(scale=scale).to_pil().convert("RGB")
        width, height = page.get_size()
        # PDF y grows upwards; the picture starts a little below the heading's rule.
        y0 = int((height - bottom + 12) * scale)
        y1 = min(int((height - bottom + 12 + 90) * scale), image.height)
        x0, x1 = int(left * scale), int((width - left) * scale)
        return image.crop((x0, y0, x1, y1)), image, index
    raise AssertionError("no page of the index has a Timeline heading")


def near(colour, target, tolerance=24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=True))


def test_the_index_draws_the_timeline_in_its_colours(locker, tmp_path):
    area, page, number = timeline_area(index_pdf(locker))
    page.save(tmp_path / f"index-page-{number + 1}.png")  # for a person to look at
    colours = area.getcolors(maxcolors=area.width * area.height)
    total = area.width * area.height
    assert len(colours) > 20, "the timeline area is (nearly) one colour"
    black = sum(count for count, rgb in colours if max(rgb) < 40)
    assert black / total < 0.1, f"{black / total:.0%} of the timeline area is black"
    assert any(near(rgb, WINDOW_BLUE, 6) for _count, rgb in colours), "no 3-month window"
    assert any(near(rgb, POSTING_BLUE) for _count, rgb in colours), "no posting bar"
