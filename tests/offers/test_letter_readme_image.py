"""The README's picture of a letter: page 1 of the French demo letter, kept in the repo.

Regenerate with ``.venv/bin/python -m tests.offers.letter_samples``.
"""

import io

from PIL import Image

from tests.offers.letter_samples import PNG, first_page_png, readme_pdf


def test_the_readme_image_is_page_one_of_the_french_letter():
    assert PNG.is_file(), "run: .venv/bin/python -m tests.offers.letter_samples"
    kept = Image.open(PNG)
    fresh = Image.open(io.BytesIO(first_page_png(readme_pdf())))
    assert kept.format == fresh.format == "PNG"
    assert kept.size == fresh.size == (918, 1188)  # US letter at 1.5 × 72 dpi
