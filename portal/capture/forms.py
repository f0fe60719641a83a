from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import URLField
from wtforms.validators import DataRequired, Length


class CaptureForm(FlaskForm):
    url = URLField(
        _l("Address of the ad (URL)"),
        description=_l("As it appears in the browser's address bar, starting with https://"),
        validators=[DataRequired(message=_l("Paste the ad's address.")), Length(max=2000)],
    )
