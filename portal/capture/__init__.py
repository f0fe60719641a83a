"""Capture this ad (issue 13): the portal opens an ad's URL in its own headless Chromium and
files a full-page PDF and a PNG screenshot as evidence of the recruitment activity, on the day
asked and then weekly while the ad runs.

``guard`` (which URLs may be fetched) and ``browser`` (the capture) are plain Python;
``services`` files the result and runs the schedule; ``views`` is the activity's capture page.
"""

from flask import Blueprint

bp = Blueprint("capture", __name__, url_prefix="/employers/<int:employer_id>/positions")

from portal.capture import views  # noqa: E402,F401
