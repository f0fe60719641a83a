"""The README's picture of a letter: page 1 of the French demo letter, kept in the repo.

Regenerate with ``.venv/bin/python -m tests.offers.letter_samples``.
"""

import io

from PIL import Image

from portal.offers.render import letter_pdf
from tests.offers.letter_samples import PNG, first_page_png, letter_app, line_cook


def test_the_readme_image_is_page_one_of_the_french_letter():
    assert PNG.is_file(), "run: .venv/bin/python -m tests.offers.letter_samples"
    kept = Image.open(PNG)
    with letter_app().app_context():
        fresh = Image.open(io.BytesIO(first_page_png(letter_pdf(line_cook("fr"), draft=False))))
    assert kept.format == fresh.format == "PNG"
    assert kept.size == fresh.size == (918, 1188)  # US letter at 1.5 × 72 dpi
