"""A zh_CN walk of every admin page and every member page (issue #16, items 6 and 8).

Each page is opened in headless Chromium at 1280 × 800 after tests/browser/zh_walk_seed.py
filled every table. A page fails when it shows an English word or scrolls sideways. Words
are read from text nodes and from the attributes a user reads (title, placeholder,
aria-label, alt, data-confirm), hidden ones too (a collapsed menu is still read), except:

* inside <code>, <kbd>, <samp>, <script>, <style>: codes, keys and commands, shown as such;
* inside <textarea>: a field's value (a template's source), as input values are;
* inside translate="no": data that is not Herald's words (a provider's raw answer, a
  browser's user agent, a template's source);
* URLs, e-mail addresses, paths and tokens holding a digit (ids, phones, template codes);
* the ALLOWED words below, each with its reason.

On failure the message lists each page with its English words and its width, one per line.
"""

from __future__ import annotations

import re

import pytest

from extensions import db
from models import Admin
from tests.browser import zh_walk_seed
from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser

WIDTH = 1280
ALLOWED = {
    "Herald",  # the product's (and the seeded site's) name
    "EN", "English",  # the language switch names a language in that language
    "Twilio", "SMSBao",  # providers with no Chinese name
    "API", "HTTP", "HTTPS", "URL", "IP", "ID", "SMTP", "SSL", "TLS", "STARTTLS", "CSV", "JSON",
    "QR", "UTC", "GMT", "IPv", "ms",  # standard abbreviations, written so in Chinese too
    # Credential names exactly as the providers' own consoles print them.
    "AccessKey", "AccessKeyId", "AccessKeySecret", "SignName", "TemplateCode", "TemplateId",
    "SecretId", "SecretKey", "SdkAppId", "AppId", "AppSecret", "Token", "EncodingAESKey",
    "OpenID", "openid", "SID", "Secret",
    "SignKey",  # the upstream panel's own label, 签名(SignKey) (seed 001)
    "PUSH",  # the seed's own event name: 云服务器PUSH通知提醒
    "ALTCHA", "Altcha",  # the captcha widget's name, which it shows
    "QQ",  # the messenger whose number the register form asks for
    "CIDR", "DNS", "TCP", "HTML", "GET", "POST", "ISO", "nonce",  # terms Chinese keeps
    "CN", "HK", "MO", "TW",  # country codes in examples
    "Ctrl", "Mac",  # key names on the keyboard
    "root",  # the seeded admin's username (data)
}
# Data, not words: emails, URLs, paths, and hex ids (a job id shown cut, "53581dfc…").
IGNORED = re.compile(r"[\w.+*-]+@[\w.-]+|\b[a-z][\w+.-]*://\S+|(?<![\w])/[\w./<>:-]+"
                     r"|\b(?=[0-9a-f]*[0-9])[0-9a-f]{6,}")
WORD = re.compile(r"[A-Za-z_][\w.'-]*[A-Za-z0-9_]|[A-Za-z]{2,}")
# The visible words of a page: text nodes and read attributes, outside the excluded parts.
COLLECT = """() => {
  const skip = 'code, kbd, samp, script, style, noscript, template, textarea, [translate=no]';
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.parentElement.closest(skip)) parts.push(node.textContent);
  }
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label], [alt], '
                                             + '[data-confirm]')) {
    if (el.closest(skip)) continue;
    for (const name of ['title', 'placeholder', 'aria-label', 'alt', 'data-confirm']) {
      if (el.hasAttribute(name)) parts.push(el.getAttribute(name));
    }
  }
  parts.push(document.title);
  return parts.join('\\n');
}"""


def english_words(text: str) -> list[str]:
    """Words of ``text`` in Latin letters that are not data, a unit or an allowed name."""
    found = []
    for word in WORD.findall(IGNORED.sub(" ", text)):
        word = word.strip(".'-")
        if len(word) < 2 or any(ch.isdigit() for ch in word) or word in ALLOWED:
            continue
        found.append(word)
    return sorted(set(found))


def in_context(text: str, words: list[str], limit: int = 6) -> list[str]:
    """The lines holding the first few words: where to look on the page."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    found = []
    for word in words:
        alone = re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])")
        line = next((ln for ln in lines if alone.search(ln)), "")
        if line and line not in found:
            found.append(line[:90])
        if len(found) == limit:
            break
    return found


def admin_urls(app, ids: dict) -> list[str]:
    """Every admin GET page: the rules without arguments, and those with one per seeded
    object (each settings tab, several template editors, a member, a reseller ...)."""
    from flask import url_for

    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or not rule.rule.startswith("/admin") or \
                    rule.endpoint in {"admin_auth.login", "admin_auth.code",
                                      "admin_log_export.export", "admin_protection.confirm"}:
                continue
            if rule.endpoint == "admin_settings.tab":
                urls += [url_for(rule.endpoint, group=g) for g in zh_walk_seed.SETTINGS_GROUPS]
            elif rule.endpoint == "admin_templates.edit":
                urls += [url_for(rule.endpoint, name=n, channel=c, locale="zh_CN")
                         for n, c in zh_walk_seed.TEMPLATE_EDITORS]
            elif all(a in ids for a in rule.arguments):
                urls.append(url_for(rule.endpoint, **{a: ids[a] for a in rule.arguments}))
            else:  # a new page with an id: seed one in zh_walk_seed.seed
                urls.append(f"{rule.rule} (no seeded {', '.join(sorted(rule.arguments))})")
    return sorted(set(urls))


MEMBER_PAGES = ("/account/", "/account/email", "/account/phone", "/account/protection",
                "/account/password", "/messages/", "/messages/{message_id}")
VISITOR_PAGES = ("/login", "/login/code", "/register", "/forgot", "/terms", "/admin/login")


def inspect(page, url: str) -> str | None:
    """One line naming the page's English words and overflow, or None when it is clean."""
    if " (no seeded " in url:
        return url + ": not visited"
    response = page.goto(page.base + url)
    if response is None or "text/html" not in response.headers.get("content-type", ""):
        return None
    problems = []
    lang = page.evaluate("document.documentElement.lang")
    if lang != "zh-CN":
        problems.append(f"lang={lang!r}")
    text = page.evaluate(COLLECT)
    words = english_words(text)
    if words:
        problems.append("English: " + ", ".join(words) + "\n    in: " + " | ".join(
            in_context(text, words)))
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > WIDTH:
        problems.append(f"{width} px wide")
        shot(page, "zh-walk-overflow" + re.sub(r"\W+", "-", url))
    return f"{url} [{response.status}] " + "; ".join(problems) if problems else None


def walk(page, urls) -> list[str]:
    return [line for line in (inspect(page, url) for url in urls) if line]


def test_every_page_in_chinese_without_english_or_sideways_scrolling(
        app, client, admin, desktop, browser, server):
    ids = zh_walk_seed.seed(client, admin)
    assert zh_walk_seed.code_rows() >= 4, "the code log has rows of every kind"
    sign_in(desktop, admin)
    findings = walk(desktop, admin_urls(app, ids))
    key = zh_walk_seed.pending_action(db.session.get(Admin, admin.id))
    findings += walk(desktop, [f"/admin/confirm/{key}"])

    visitor = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="zh-CN",
                                  extra_http_headers={"Accept-Language": "zh-CN"}).new_page()
    visitor.base = server
    findings += walk(visitor, VISITOR_PAGES)
    visitor.goto(server + "/login")
    visitor.fill("#account", zh_walk_seed.MEMBER_PHONE)
    visitor.fill("#password", zh_walk_seed.MEMBER_PASSWORD)
    visitor.click("form:has(#account) [type=submit]")
    visitor.wait_for_url("**/account/")
    findings += walk(visitor, [p.format(**ids) for p in MEMBER_PAGES])
    assert not findings, "pages with English words or wider than 1280 px:\n" + \
        "\n".join(findings)


def test_the_word_finder_skips_data_and_keeps_internal_keys():
    text = ("发送失败 settings.member [invalid_input] stored in the inbox "
            "root@example.com https://example.com/a?b=c /admin/logs SMS_600001 +8613800138000 "
            "Herald AccessKeyId 5 s")
    assert english_words(text) == ["in", "inbox", "invalid_input", "settings.member", "stored",
                                   "the"]
    assert english_words("任务 53581dfc… 已完成 deadbeef") == ["deadbeef"]


# Each sidebar link whose label does not fit its one line (it would wrap or be cut).
CUT_LABELS = """() => [...document.querySelectorAll('.admin-nav .nav-link')]
    .filter(link => link.scrollWidth > link.clientWidth).map(link => link.textContent.trim())"""


def test_english_sidebar_labels_fit_one_line_and_member_forms_stay_narrow(desktop, admin):
    sign_in(desktop, admin)
    desktop.click(".language-switch button[value=en]")
    desktop.wait_for_selector("html[lang=en]")
    desktop.goto(desktop.base + "/admin/logs/")
    assert desktop.evaluate(CUT_LABELS) == []
    assert desktop.locator(".admin-nav .nav-group .nav-link").count() == 4  # the four logs

    desktop.goto(desktop.base + "/login")
    width = desktop.evaluate("document.querySelector('main form').getBoundingClientRect().width")
    assert width <= 600, f"the sign-in form is {width} px wide at 1280"
