"""Layout measurements in the browser.

A width is read only after the page's load event: a click that navigates returns once the new
document exists, and a DOM assertion can pass before the stylesheet has arrived. Measured then,
the page is laid out without its CSS (a CI run once saw the payroll table at 485 px that way).
"""

PHONE = {"width": 390, "height": 844}


def page_width(page) -> int:
    """The document's scroll width once the page and its stylesheet have loaded."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


def sideways_overflow(page) -> int:
    """How many pixels the loaded page is wider than its viewport (0 or less: it fits)."""
    page.wait_for_load_state("load")
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
