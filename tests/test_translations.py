"""English and Simplified Chinese ship together, and the catalogs work on a fresh clone."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from tests.conftest import missing

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"
DOMAINS = ["django", "djangojs"]


def po_entries(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry of a .po file, header excluded."""
    entries = []
    for chunk in path.read_text(encoding="utf-8").split("\n\n"):
        lines = chunk.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields, current = {}, None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[")):
                current, _, rest = line.partition(" ")
                fields[current] = rest.strip()[1:-1]
            elif line.startswith('"') and current:
                fields[current] += line.strip()[1:-1]
        if fields.get("msgid"):
            translated = fields.get("msgstr", fields.get("msgstr[0]", ""))
            entries.append((fields["msgid"], translated, fuzzy))
    return entries


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_string_has_a_chinese_translation(domain):
    entries = po_entries(LOCALE / f"{domain}.po")
    assert entries, f"{domain}.po is empty"
    untranslated = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert untranslated == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_committed_catalogs_are_compiled_from_the_po_files(domain, tmp_path):
    if shutil.which("msgfmt") is None:
        missing("msgfmt (Debian package gettext)")
    fresh = tmp_path / f"{domain}.mo"
    subprocess.run(["msgfmt", "-o", fresh, LOCALE / f"{domain}.po"], check=True)
    with open(fresh, "rb") as expected, open(LOCALE / f"{domain}.mo", "rb") as committed:
        assert (
            gettext.GNUTranslations(committed)._catalog
            == gettext.GNUTranslations(expected)._catalog
        )


def test_python_strings_are_translated_at_run_time():
    with translation.override("zh-hans"):
        assert translation.gettext("A message cannot be empty.") == "消息不能为空。"


@pytest.mark.django_db
def test_pages_follow_the_browser_language(client):
    english = client.get("/join/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get("/join/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "Nickname" in english
    assert "昵称" in chinese
    assert 'lang="zh-hans"' in chinese


@pytest.mark.django_db
def test_the_language_switcher_sets_the_language(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/join/"})
    assert response.status_code == 302
    assert "昵称" in client.get("/join/").content.decode()


@pytest.mark.django_db
def test_the_javascript_catalog_is_chinese_for_chinese_visitors(client):
    script = client.get("/jsi18n/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "\\u5728\\u7ebf" in script or "在线" in script  # "online"
