"""Both languages on every page, and complete catalogs; one way to translate."""

import ast
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

import config

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
                "lazy_gettext": None, "N_": None, "NP_": ((1, "c"), 2)}
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
        # A plural entry's id is (singular, plural); the code names it by its singular.
        translated = {m.id[0] if isinstance(m.id, tuple) else m.id
                      for m in read_po(handle) if m.id}
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


# --- one way to translate: gettext catalogs, nothing hand-paired in the code ---

PRODUCT = ("app.py", "config.py", "extensions.py", "blueprints", "services", "core", "models",
           "gateways", "cli")
# Chinese that is not a translation: a provider's own answers, languages named in themselves.
CHINESE_DATA = {"gateways/smsbao.py", "core/settings/registry.py"}
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")  # words, not the 【】 of a signature
GETTEXT_CALLS = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "N_", "NP_"}


def product_modules():
    for name in PRODUCT:
        path = ROOT / name
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def read_zh_catalog():
    with open(ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def test_no_product_module_picks_a_language_by_its_prefix():
    found = [str(path.relative_to(ROOT)) for path in product_modules()
             if re.search(r"startswith\(\s*['\"]zh", path.read_text(encoding="utf-8"))]
    assert not found, f"pick the language through the gettext catalogs: {found}"


def _strings_outside_gettext(tree):
    """String constants that are neither docstrings nor msgids."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) \
                and ast.get_docstring(node, clean=False) is not None:
            skipped.add(id(node.body[0].value))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT_CALLS:
            skipped.update(id(arg) for arg in node.args)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in skipped:
            yield node


def test_no_product_module_holds_chinese_text():
    """Chinese words live in translations/zh_Hans_CN, not beside their English in the code
    (comments and docstrings may quote the seed)."""
    found = []
    for path in product_modules():
        name = str(path.relative_to(ROOT))
        if name in CHINESE_DATA:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{name}:{node.lineno}" for node in _strings_outside_gettext(tree)
                  if HAN.search(node.value)]
    assert not found, f"translate these through messages.po: {found}"


def test_catalog_words_come_from_the_po_files(app):
    from core import catalog

    zh = read_zh_catalog()
    assert {"code", "message", "fix"} == set(catalog.CatalogEntry.__dataclass_fields__)
    for code, entry in catalog.CATALOG.items():
        for msgid, translate in ((entry.message, catalog.message), (entry.fix, catalog.fix)):
            assert zh.get(msgid) is not None and zh.get(msgid).string, (code, msgid)
            assert translate(code, "zh_CN") == zh.get(msgid).string
            assert translate(code, "en") == msgid


def test_catalog_follows_the_current_language(app):
    from flask_babel import force_locale

    from core import catalog

    for locale, text, fix in (("zh_CN", "页面不存在", "检查地址是否正确。"),
                              ("en", "Page not found", "Check the address.")):
        with force_locale(locale):
            assert (catalog.message("not_found"), catalog.fix("not_found")) == (text, fix)


def test_default_templates_come_from_the_po_files(app):
    from services.templates import defaults

    zh = read_zh_catalog()
    title = zh.get("Server opened", context="message title").string
    assert defaults.default("server_opened", "insite", "zh_CN")["subject"] == title
    assert defaults.default("server_opened", "insite", "en")["subject"] == "Server opened"
    frame = zh.get(defaults._SCENE_PARTS["sms"]["text"]).string
    purpose = zh.get(defaults._SCENE_PURPOSE["login"]).string
    assert defaults.default("login", "sms", "zh_CN")["text"] == frame % {"purpose": purpose}


def test_message_catalog_template_holds_catalog_and_default_templates():
    """`make i18n` extracts the catalog's and the default templates' words (N_ / NP_)."""
    from core import catalog
    from services.templates import defaults

    with open(ROOT / "translations" / "messages.pot", "rb") as handle:
        template = read_po(handle)
    wanted = [(m, None) for e in catalog.CATALOG.values() for m in (e.message, e.fix)]
    wanted += [(msgid, None) for msgid in defaults._SCENE_PURPOSE.values()]
    wanted += [(title, context) for (context, title), _line in defaults._EVENT_TEXT.values()
               if context]
    assert [w for w in wanted if template.get(w[0], context=w[1]) is None] == []
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-k NP_:1c,2" in makefile


FRENCH = {
    ("Page not found", None): "Page introuvable",
    ("Check the address.", None): "Vérifiez l'adresse.",
    ("sign in", None): "vous connecter",
    ("{{ site_name }}: to %(purpose)s, your verification code is {{ code }}. It is valid for "
     "{{ minutes }} minutes. Do not share it.", None):
        "{{ site_name }} : pour %(purpose)s, votre code est {{ code }} ({{ minutes }} min).",
    ("Server opened", "message title"): "Serveur ouvert",
    ("English", "language name"): "Français",
    ("EN", "language label"): "FR",
}


@pytest.fixture()
def french(app, tmp_path, monkeypatch):
    """A third language that exists only as a compiled .po file."""
    from babel.messages.catalog import Catalog
    from flask_babel import get_babel

    po = Catalog(locale="fr")
    for (msgid, context), text in FRENCH.items():
        po.add(msgid, text, context=context)
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.po", "wb") as handle:
        write_po(handle, po)
    with open(folder / "messages.mo", "wb") as handle:
        write_mo(handle, po)
    babel = get_babel(app)
    monkeypatch.setattr(babel, "translation_directories",
                        [str(tmp_path), *babel.translation_directories])
    monkeypatch.setitem(app.config, "LANGUAGES",
                        app.config["LANGUAGES"] + config.languages_in(tmp_path))
    return "fr"


def test_a_third_language_is_one_po_file(french):
    from core import catalog
    from services.templates import defaults, rendering

    assert catalog.message("not_found", french) == "Page introuvable"
    assert catalog.fix("not_found", french) == "Vérifiez l'adresse."
    assert catalog.message("unknown", french) == "Unknown error"  # untranslated: English
    sms = defaults.default("login", "sms", french)["text"]
    assert sms == "{{ site_name }} : pour vous connecter, votre code est {{ code }} " \
        "({{ minutes }} min)."
    rendered = rendering.render("server_opened", "insite", french, {
        "site_name": "Herald", "member_name": "Li", "server_name": "web-1",
        "server_ip": "192.0.2.1", "product": "S1", "expires_at": "2027-01-01"})
    assert rendered.subject == "Serveur ouvert"
    assert rendered.text.startswith("Your server web-1 (192.0.2.1) is ready.")
    assert catalog.message("not_found", "zh_CN") == "页面不存在"


def test_the_shipped_languages_are_the_po_files():
    assert config.languages_in(config.ROOT / "translations") == ("zh_CN", "en")


def test_a_third_language_is_offered_in_the_switches_and_settings(french, client, auth):
    from core import languages

    login = client.get("/admin/login").get_data(as_text=True)
    assert 'value="fr"' in login and "Français" in login
    assert ("fr", "Français") in languages.choices()
    auth.login()
    switch = client.get("/admin/").get_data(as_text=True)
    assert ">FR</button>" in switch and ">中文</button>" in switch
    assert client.post("/language", data={"language": "fr", "next": "/admin/"}).status_code == 302
    assert client.get("/admin/nope").get_data(as_text=True).count("Page introuvable") >= 1
