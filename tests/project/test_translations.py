"""Every user-facing string has its Bahasa Indonesia translation, compiled."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"


def _entries(po_text, with_plurals=True):
    """(msgid, msgstr, fuzzy) for each entry of a .po file, header excluded; msgstr[0] for plurals."""
    entries = []
    for block in po_text.split("\n\n"):
        fuzzy = "#, fuzzy" in block
        if not with_plurals and "msgid_plural" in block:
            continue
        parts = {"msgid": [], "msgstr": []}
        current = None
        for line in block.splitlines():
            if line.startswith("msgid "):
                current = "msgid"
            elif line.startswith(("msgstr ", "msgstr[0] ")):
                current = "msgstr"
            elif line.startswith(("msgid_plural ", "msgstr[")):
                current = None
                continue
            elif not line.startswith('"'):
                current = None if line.startswith("#") else current
                continue
            if current:
                parts[current].append(line.split(" ", 1)[1] if line.startswith("msg") else line)
        msgid = "".join(p[1:-1] for p in parts["msgid"])
        if msgid:
            entries.append((msgid, "".join(p[1:-1] for p in parts["msgstr"]), fuzzy))
    return entries


def test_every_string_in_the_catalogue_is_translated_and_not_fuzzy():
    untranslated = [msgid for msgid, msgstr, fuzzy in _entries(PO.read_text()) if not msgstr or fuzzy]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_po_file():
    with translation.override("id"):
        for msgid, msgstr, _fuzzy in _entries(PO.read_text(), with_plurals=False):
            if "\\" in msgid:  # escaped quotes: compared through gettext below
                continue
            assert translation.gettext(msgid) == msgstr, msgid
        assert translation.gettext('For example ["S"].') == 'Misalnya ["S"].'
        assert translation.ngettext("%(counter)s new flag", "%(counter)s new flags", 3) == "%(counter)s tanda baru"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext's xgettext")
def test_no_user_facing_string_is_missing_from_the_catalogue(tmp_path):
    """Run makemessages on a copy of the code and compare: a new string must be added and translated."""
    apps = [path.parent.name for path in ROOT.glob("*/apps.py")]  # every app of ours, new ones included
    for name in ("perwali_cctv", *apps, "templates", "locale", "manage.py"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "id", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    fresh = {msgid for msgid, _s, _f in _entries((tmp_path / "locale/id/LC_MESSAGES/django.po").read_text())}
    committed = {msgid for msgid, _s, _f in _entries(PO.read_text())}
    assert sorted(fresh - committed) == [], "run `make messages` and translate the new strings"
