"""portal.forms draws selects and fields in Python (issue 12: a tenth of wtforms' and a Jinja
macro's cost); the HTML must stay what wtforms and the macro gave."""

import wtforms
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Form, HiddenField, SelectChoice, StringField
from wtforms.validators import DataRequired

from portal.forms import Select, SelectField, options, render_field

CHOICES = options(
    [
        ("", "Nothing"),
        ("1", "Fish & <chips>"),
        (2, 'Say "hi"'),
        ("applicant-3", "Applicant: O'Brien"),
        ("x", ""),  # an empty label shows the value, as in wtforms
    ]
)


class _Choose(Form):
    plain = SelectField("Plain", choices=CHOICES)
    library = wtforms.SelectField("Library", choices=CHOICES)  # noqa: TID251 - the reference


def test_select_options_are_wtforms_own_html():
    for selected in ("", "1", "2", "applicant-3", "x"):
        form = _Choose(MultiDict({"plain": selected, "library": selected}))
        ours = str(form.plain()).replace('name="plain"', "").replace('id="plain"', "")
        theirs = str(form.library()).replace('name="library"', "").replace('id="library"', "")
        assert ours == theirs
        assert "&lt;chips&gt;" in ours and "&#34;hi&#34;" in ours
        assert ours.count(" selected ") == 1


def test_select_keeps_wtforms_path_for_options_with_attributes():
    class WithAttributes(Form):
        mine = SelectField(
            choices=[SelectChoice("a", "A", render_kw={"disabled": True}), SelectChoice("b", "B")]
        )

    html = str(WithAttributes().mine())
    assert '<option disabled value="a">A</option>' in html
    assert '<option value="b">B</option>' in html
    assert isinstance(SelectField.widget, Select)


class _Fields(Form):
    name = StringField(
        "Name <b>", validators=[DataRequired()], description="As on the passport & visa"
    )
    agree = BooleanField("I agree")
    token = HiddenField()


def test_render_field_ties_hint_and_errors_to_the_control():
    form = _Fields(MultiDict({"name": ""}))
    form.validate()
    html = str(render_field(form.name))
    assert html.startswith('<div class="field field-invalid ">')
    assert '<label for="name">Name &lt;b&gt;</label>' in html
    assert '<p class="hint" id="name-hint">As on the passport &amp; visa</p>' in html
    assert 'aria-describedby="name-hint name-error"' in html
    assert 'aria-invalid="true"' in html and " required " in html
    assert '<p class="error" id="name-error">Name &lt;b&gt;: This field is required.</p>' in html


def test_render_field_plain_boolean_and_hidden():
    form = _Fields()
    name = str(render_field(form.name, "wide"))
    assert name.startswith('<div class="field wide">')
    assert "aria-invalid" not in name and "name-error" not in name
    assert 'aria-describedby="name-hint"' in name
    agree = str(render_field(form.agree))
    assert (
        '<label class="check"><input id="agree" name="agree" type="checkbox" value="y"> ' in agree
    )
    assert "I agree</label>" in agree and "aria-describedby" not in agree
    hidden = render_field(form.token)
    assert isinstance(hidden, Markup) and str(hidden).startswith('<input id="token"')
