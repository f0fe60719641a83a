"""Issue 13, French: the catalogue holds every string the portal marks for translation, each
one translated, with the same placeholders; and no template shows text outside the markers.

The catalogue is ``portal/translations/fr_CA/LC_MESSAGES/messages.po`` (``make catalogue``
refreshes it). The extraction here is the one ``make messages`` runs (babel.cfg's mapping, the
``_l``/``lazy_gettext``/``phrase`` keywords), done in-process so the test sees today's code.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "portal" / "translations" / "fr_CA" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "phrase": None,
    "plural_phrase": (1, 2),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|%[sd]|\{\w*\}")

# Templates written in one language on purpose: the offer letter has an English and a French
# template of its own (Québec requires French for offers and contracts).
ONE_LANGUAGE = {"offers/letter/en.html", "offers/letter/fr.html"}


@cache
def marked() -> dict[str, set[str]]:
    """Every marked msgid, with the files that mark it."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str, set[str]] = {}
    for folder in ("portal", "templates"):
        prefix = f"{folder}/"
        # babel.cfg's patterns name the folder; extract_from_dir matches paths inside it.
        local_map = [(pattern.removeprefix(prefix), method) for pattern, method in method_map]
        local_options = {key.removeprefix(prefix): value for key, value in options_map.items()}
        for filename, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, local_map, local_options, keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault(msgid, set()).add(f"{folder}/{filename}")
    return found


@cache
def catalogue():
    with open(CATALOGUE, "rb") as po:
        return read_po(po, locale="fr_CA")


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_the_extraction_finds_the_portal_strings():
    """The check can fail: it sees strings from Python code and from templates."""
    strings = marked()
    assert len(strings) > 1000
    assert "templates/base.html" in strings["Skip to content"]
    assert any(
        name.startswith("portal/") for name in strings["Enter a date from %(first)s to %(last)s."]
    )


def test_every_marked_string_is_in_the_catalogue():
    in_catalogue = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalogue()
        if message.id
    }
    missing = sorted(set(marked()) - in_catalogue)
    assert not missing, (
        f"{len(missing)} strings are not in {CATALOGUE.relative_to(ROOT)} (run `make catalogue` "
        f"and translate them): "
        + "; ".join(f"{text!r} ({sorted(marked()[text])[0]})" for text in missing[:20])
    )


def test_every_catalogue_entry_is_translated_with_its_placeholders():
    problems = []
    for message in catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        if not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = _placeholders(ids[-1])
        for string in strings:
            if _placeholders(string) != wanted and not (len(strings) > 1 and string is strings[0]):
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
    assert not problems, f"{len(problems)} problems: " + "\n".join(problems[:30])


def _bare_words(template: str) -> list[str]:
    """The words a template shows outside Jinja, tags, code samples and acronyms."""
    text = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}|<!--.*?-->", " ", template, flags=re.S)
    text = re.sub(r"<(script|style|code)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>|&[a-z#0-9]+;", " ", text, flags=re.S)
    words = re.findall(r"[^\W\d_]{2,}", text)
    # Acronyms (NOC, TEER, SHA, PDF, KiB) are the same in both languages.
    return [word for word in words if not (word.isupper() or word in {"KiB", "MiB"})]


def test_no_template_shows_text_outside_the_catalogue():
    folder = ROOT / "templates"
    bare = {}
    for path in sorted(folder.rglob("*.html")):
        name = path.relative_to(folder).as_posix()
        if name in ONE_LANGUAGE:
            continue
        words = _bare_words(path.read_text(encoding="utf-8"))
        if words:
            bare[name] = words[:10]
    assert not bare, f"text outside _(): {bare}"


@pytest.mark.parametrize(
    ("template", "bare"),
    [
        ("<p>{{ _('Saved') }}</p>", []),
        ("<p>Saved</p>", ["Saved"]),
        ("<caption><code>source</code> · {{ _('Found') }}</caption>", []),
        ("<td>SHA-256</td>{# a note #}", []),
        ("<p>Déjà {{ x }}</p>", ["Déjà"]),
    ],
)
def test_the_bare_text_check_sees_text(template, bare):
    assert _bare_words(template) == bare
