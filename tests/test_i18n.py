"""Both languages on every page, and complete catalogs."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
ZH = "zh-CN,zh;q=0.9"
EN = "en-US,en;q=0.9"
# Babel names the Simplified Chinese catalog by its script: zh_CN is zh_Hans_CN.
CATALOG_DIRS = {"zh_CN": "zh_Hans_CN", "en": "en"}


def admin_pages(app):
    """Every GET page under /admin that takes no argument, plus each settings tab."""
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.rule.startswith("/admin") and not rule.arguments:
            pages.append(rule.rule)
    pages += [f"/admin/settings/{g}" for g in ("basic", "sms", "email", "wechat", "member")]
    return sorted(set(pages))


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_catalog_is_complete(locale):
    path = ROOT / "translations" / CATALOG_DIRS[locale] / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy
               or (isinstance(m.string, tuple) and not all(m.string)))]
    assert not missing, f"{len(missing)} untranslated in {locale}: {missing[:10]}"


def extracted_messages() -> set:
    """Every translatable string in the code and templates, extracted afresh."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None,
                "lazy_gettext": None}
    found = set()
    for path, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        if path.split("/")[0] in {".venv", "tests", "bench", "node_modules"}:
            continue
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_catalog_covers_every_message_in_the_code():
    template = extracted_messages()
    with open(ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        translated = {m.id for m in read_po(handle) if m.id}
    assert template <= translated, "run `make i18n` and translate the new messages"


def test_every_admin_page_renders_in_both_languages(app, client, auth):
    auth.login()
    for page in admin_pages(app):
        zh = client.get(page, headers={"Accept-Language": ZH}, follow_redirects=True)
        en = client.get(page, headers={"Accept-Language": EN}, follow_redirects=True)
        assert zh.status_code == en.status_code == 200, page
        assert 'lang="zh-CN"' in zh.get_data(as_text=True), page
        assert 'lang="en"' in en.get_data(as_text=True), page
        assert "全局设置" in zh.get_data(as_text=True), page
        assert "Global settings" in en.get_data(as_text=True), page


def test_login_page_in_both_languages(client):
    assert "管理员登录" in client.get("/admin/login", headers={"Accept-Language": ZH}).get_data(
        as_text=True)
    assert "Admin sign-in" in client.get("/admin/login", headers={
        "Accept-Language": EN}).get_data(as_text=True)


def test_site_default_applies_without_a_browser_preference(client, app):
    from core import settings

    assert 'lang="zh-CN"' in client.get("/admin/login").get_data(as_text=True)
    settings.update({"basic.default_language": "en"})
    assert 'lang="en"' in client.get("/admin/login").get_data(as_text=True)


def test_choice_beats_the_browser_and_sticks_to_the_admin(client, auth):
    auth.login()
    response = client.post("/language", data={"language": "en", "next": "/admin/"})
    assert response.headers["Location"].endswith("/admin/")
    page = client.get("/admin/", headers={"Accept-Language": ZH}).get_data(as_text=True)
    assert 'lang="en"' in page
    assert auth.admin.language == "en"


def test_error_pages_in_both_languages(client):
    zh = client.get("/admin/nope", headers={"Accept-Language": ZH})
    en = client.get("/admin/nope", headers={"Accept-Language": EN})
    assert zh.status_code == en.status_code == 404
    assert "页面不存在" in zh.get_data(as_text=True)
    assert "Page not found" in en.get_data(as_text=True)
