"""Trygg speaks Swedish by default: the catalogue is complete, compiled, and used.

The UI is written with English msgids; trygg/locale/sv holds the Swedish catalogue. After
`makemessages` the new entries must be translated and `compilemessages` run (the .mo is
committed). These tests catch a catalogue left half done: untranslated or fuzzy entries, a
.mo that is older than its .po, or a translation that lost a placeholder or an HTML tag.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "sv" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"
HOW_TO_FIX = (
    "cd trygg && ../.venv/bin/python -m django makemessages -l sv --settings=trygg.settings "
    "--ignore='node_modules/*' --no-obsolete, translate, then compilemessages"
)

# What a translation must keep: %(name)s, %(x).0f, %d and %% in python-format entries (elsewhere
# a % is just a per cent sign), {0} and {name} in every entry.
PERCENT = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACES = re.compile(r"\{[^{}\s]*\}")
TAG = re.compile(r"<[^<>]+>")


@dataclass
class Entry:
    msgid: str = ""
    plural: str | None = None
    context: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.context}\x04{self.msgid}" if self.context is not None else self.msgid


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete `#~` entries left out); enough of the format for us."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None

    def close() -> None:
        nonlocal entry, target
        if entry is not None and target is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            close()
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = Entry(line=number)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: a string outside any entry"
            value = ast.literal_eval(line)
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, name, (getattr(entry, name) or "") + value)
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            plural_form = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if keyword == "msgctxt":
                target = ("context", 0)
                entry.context = value
            elif keyword == "msgid":
                target = ("msgid", 0)
                entry.msgid = value
            elif keyword == "msgid_plural":
                target = ("plural", 0)
                entry.plural = value
            elif keyword == "msgstr" or plural_form:
                index = int(plural_form.group(1)) if plural_form else 0
                target = ("msgstr", index)
                entry.msgstr[index] = value
            else:
                raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    close()
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO.exists(), f"{PO} is missing: {HOW_TO_FIX}"
    found = parse_po(PO)
    assert found and found[0].msgid == "", "the .po file has no header"
    return found[1:]


def where(entry: Entry) -> str:
    return f"{PO.name}:{entry.line} {entry.msgid!r}"


def test_the_catalogue_is_for_swedish_with_two_plural_forms() -> None:
    header = parse_po(PO)[0]
    assert "fuzzy" not in header.flags, "the .po header is still marked fuzzy"
    assert "Language: sv\n" in header.msgstr[0]
    assert "nplurals=2; plural=(n != 1);" in header.msgstr[0]


def test_every_entry_is_translated_and_none_is_fuzzy(entries: list[Entry]) -> None:
    assert len(entries) > 100, "the catalogue looks truncated"
    fuzzy = [where(e) for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries (check each, then remove the flag): {fuzzy}"
    untranslated = [where(e) for e in entries if not all(e.msgstr.values())]
    assert not untranslated, f"untranslated entries ({HOW_TO_FIX}): {untranslated}"
    wrong_forms = [where(e) for e in entries if e.plural is not None and sorted(e.msgstr) != [0, 1]]
    assert not wrong_forms, f"plural entries need msgstr[0] and msgstr[1]: {wrong_forms}"


def test_translations_keep_the_placeholders_and_the_html(entries: list[Entry]) -> None:
    problems = []
    for e in entries:
        for index, text in e.msgstr.items():
            source = e.plural if index > 0 and e.plural is not None else e.msgid
            checks = [(BRACES, "placeholders"), (TAG, "HTML tags")]
            if "python-format" in e.flags:
                checks.append((PERCENT, "placeholders"))
            for pattern, what in checks:
                expected, got = Counter(pattern.findall(source)), Counter(pattern.findall(text))
                if expected != got:
                    problems.append(f"{where(e)} [{index}]: {what} {dict(expected)} → {dict(got)}")
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_matches_the_po(entries: list[Entry]) -> None:
    assert MO.exists(), f"{MO} is missing: run compilemessages"
    with MO.open("rb") as f:
        compiled: dict[Any, str] = dict(gettext.GNUTranslations(f)._catalog)  # type: ignore[attr-defined]
    compiled.pop("", None)
    expected: dict[Any, str] = {}
    for e in entries:
        if e.plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            expected.update({(e.key, index): text for index, text in e.msgstr.items()})
    stale = sorted(str(k) for k in expected.keys() - compiled.keys())
    extra = sorted(str(k) for k in compiled.keys() - expected.keys())
    changed = sorted(
        str(k) for k in expected.keys() & compiled.keys() if expected[k] != compiled[k]
    )
    assert not (stale or extra or changed), (
        "django.mo is out of date with django.po: run compilemessages. "
        f"Missing from .mo: {stale[:10]}; only in .mo: {extra[:10]}; different: {changed[:10]}"
    )


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_catalogue_with_every_message_translated() -> None:
    msgfmt = shutil.which("msgfmt")
    assert msgfmt is not None
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""},
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages?\.", result.stderr.strip()), result.stderr


# The UI in use --------------------------------------------------------------------------------


def switch_language(client: Client, language: str, next_url: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url


def test_the_login_page_is_swedish_by_default_and_english_on_request(db: Any) -> None:
    client = Client()
    url = reverse("login")
    page = client.get(url).content.decode()
    assert '<html lang="sv">' in page
    assert "Logga in i Trygg" in page and "Användarnamn" in page and "Lösenord" in page
    assert "Log in to Trygg" not in page
    assert 'value="en"' in page, "the language switch offers English"

    switch_language(client, "en", url)
    page = client.get(url).content.decode()
    assert '<html lang="en">' in page
    assert "Log in to Trygg" in page and "Username" in page and "Password" in page
    assert "Logga in" not in page

    switch_language(client, "sv", url)
    assert "Logga in i Trygg" in client.get(url).content.decode()


def test_a_failed_login_is_explained_in_swedish(personas: dict[str, Any]) -> None:
    page = Client().post(
        reverse("login"), {"username": personas["coordinator"].username, "password": "fel"}
    )
    assert "Fel användarnamn eller lösenord." in page.content.decode()


def test_the_dashboard_is_swedish_by_default_and_english_on_request(
    personas: dict[str, Any], login: Any
) -> None:
    client = login(personas["coordinator"])
    url = reverse("dashboard", args=["1981"])
    page = client.get(url).content.decode()
    assert '<html lang="sv">' in page
    for text in ("EST i Sala", "händelser de senaste 7 dagarna", "Logga ut", "Rapporter", "Karta"):
        assert text in page, text
    assert "Log out" not in page

    switch_language(client, "en", url)
    page = client.get(url).content.decode()
    assert '<html lang="en">' in page
    for text in ("EST in Sala", "events in the last 7 days", "Log out", "Reports", "Map"):
        assert text in page, text
    assert "Logga ut" not in page


def test_the_admin_menu_is_swedish(personas: dict[str, Any], login: Any) -> None:
    page = login(personas["admin"]).get(reverse("dashboard", args=["1981"])).content.decode()
    for text in ("Användare", "Kategorier", "Logg"):
        assert f">{text}</a>" in page, text
