"""Issue #16 items 6-8 over HTTP: Herald's remarks, operation names and alert texts read in
the page's language; every time is in the site's zone; the Logs group and its landing page;
the pager's jump; a bot's junk phone stored cut and shown wrapped."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale, gettext

from core import audit, remarks, settings
from core.help_text import code_spans
from extensions import db
from models import AuditEntry, DeliveryAttempt, SiteAlert, VerificationCode
from services.codes import blocks, code_log

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}
PHONE = "+8613800138021"


def attempt(raw_message: str, status: str = "sent", **fields) -> DeliveryAttempt:
    row = DeliveryAttempt(channel=fields.pop("channel", "sms"), gateway="log",
                          destination=PHONE, purpose="server_opened", status=status,
                          raw_message=raw_message, **fields)
    db.session.add(row)
    db.session.commit()
    return row


def test_herald_remarks_are_translated_when_shown_and_provider_answers_kept(app, client, auth):
    attempt("stored in the inbox", channel="insite")
    attempt("logged only; not sent to a phone", raw_code="logged")
    attempt("the recipient has no email destination", status="skipped", channel="email",
            error="no_destination")
    attempt("短信发送成功", raw_code="0")  # SMSBao's own answer: data, shown as it came
    auth.login()
    html = client.get("/admin/logs/notifications", headers=ZH).get_data(as_text=True)
    assert "已存入会员的站内信箱。" in html and "stored in the inbox" not in html
    assert "logged only; not sent to a phone" not in html
    assert "the recipient has no email destination" not in html
    with app.test_request_context(headers=ZH), force_locale("zh_CN"):
        assert gettext("Logged only: not sent to a phone.") in html
        assert gettext("The recipient has no %(channel)s address.",
                       channel=gettext("Email")) in html
    assert re.search(r'<div class="raw-text[^"]*" translate="no"><code>0</code> 短信发送成功',
                     html)


def test_remarks_with_data_keep_it_apart_and_unknown_text_is_not_claimed(app):
    with app.test_request_context(headers=EN):
        missing = remarks.herald_remark("missing: access_key_id, sign_name")
        assert missing.text == "Required settings are missing:"
        assert missing.detail == "access_key_id, sign_name"
        assert remarks.herald_remark("isv.BUSINESS_LIMIT_CONTROL") is None
        assert remarks.herald_remark("") is None


def test_the_breaker_remark_names_its_time_in_the_site_zone(app):
    settings.update({"basic.timezone": "Asia/Shanghai"})
    raw = ("skipped: circuit breaker open after 5 consecutive failures; next try after "
           "2026-03-09T18:30:00+00:00")
    with app.test_request_context(headers=EN), force_locale("en"):
        assert "2026-03-10 02:30:00" in remarks.herald_remark(raw).text


def test_the_abuse_chart_counts_hours_of_the_site_zone(app, client, auth, frozen):
    settings.update({"basic.timezone": "Asia/Shanghai"})
    frozen.set(datetime(2026, 3, 9, 17, 20, tzinfo=UTC))  # 01:20 on 10 March in Beijing
    db.session.add(VerificationCode(scene="register", channel="sms", destination=PHONE,
                                    status="sent", expires_at=frozen.now))
    db.session.commit()
    auth.login()
    html = client.get("/admin/abuse/", headers=ZH).get_data(as_text=True)
    chart = json.loads(html.split('id="abuse-hourly-data">')[1].split("</script>")[0])
    assert chart["labels"][-1] == "01:00" and chart["counts"][-1] == 1
    assert "GMT+08:00" in html.split('id="abuse-hourly"')[0]


def test_alerts_and_blocks_read_in_the_page_language(app, client, auth):
    db.session.add(SiteAlert(kind="hourly_ceiling", message="more than 100 codes in an hour",
                             details={"ceiling": 100}))
    db.session.commit()
    blocks.add("prefix", "+86170", reason="刷短信", actor="root")
    auth.login()
    html = client.get("/admin/abuse/", headers=ZH).get_data(as_text=True)
    assert "more than 100 codes in an hour" not in html
    with app.test_request_context(headers=ZH), force_locale("zh_CN"):
        assert gettext("Possible SMS pumping") in html
        assert f'<span class="badge text-bg-dark">{gettext("Number prefix")}</span>' in html
    assert ">prefix<" not in html


def test_the_operation_log_names_actions_fields_and_values(app, client, auth):
    auth.login()
    with app.test_request_context():
        audit.record("settings.sms", changes={"sms.gateway": [None, "aliyun"],
                                              "quota": [5, 10]})
        db.session.commit()
    html = client.get("/admin/logs/admin-operations", headers=EN).get_data(as_text=True)
    row = html.split("<tbody>")[1]
    assert "Save settings: SMS" in row and '<code class="small">settings.sms</code>' in row
    assert "Active gateway" in row and "Quota" in row
    assert "None" not in row and "—" in row
    assert "aliyun</span>" not in row  # the choice's label, not its value


def test_unknown_actions_still_read_as_words(app):
    from core.actions import action_label

    with app.test_request_context(headers=EN), force_locale("en"):
        assert action_label("made.up") == "Other operation"
        assert action_label("codes.reveal") == "Show a verification code"
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == 0


def test_the_logs_group_and_its_landing_page_count_the_site_day(app, client, auth, frozen):
    settings.update({"basic.timezone": "Asia/Shanghai"})
    frozen.set(datetime(2026, 3, 9, 18, 0, tzinfo=UTC))  # 02:00 on 10 March in Beijing
    for hours_ago, status in ((1, "sent"), (2, "refused"), (3, "sent")):  # 3 h: 9 March
        moment = frozen.now - timedelta(hours=hours_ago)
        db.session.add(VerificationCode(scene="register", channel="sms", destination=PHONE,
                                        status=status, created_at=moment, expires_at=moment))
    db.session.commit()
    auth.login()
    response = client.get("/admin/logs/", headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    codes = html.split('href="/admin/logs/codes"')[2]  # the sidebar's link comes first
    assert re.search(r'today-count">2<', codes) and re.search(r'failed-count[^"]*">1<', codes)
    nav = html.split('class="w-100 py-3 admin-nav"')[1].split("</nav>")[0]
    group = nav.split('href="/admin/logs/"')[1].split("</ul>")[0]
    for log in ("codes", "notifications", "admin-operations", "logins"):
        assert f'href="/admin/logs/{log}"' in group


def test_the_page_jump_shows_on_a_single_page(app, client, auth):
    auth.login()
    html = client.get("/admin/logs/logins", headers=ZH).get_data(as_text=True)
    assert 'class="d-flex align-items-center gap-1 page-jump"' in html
    assert 'max="1"' in html


def test_a_bots_junk_phone_is_stored_cut_and_shown_wrapped(app, client, auth):
    junk = "138" + "0" * 300
    client.post("/codes/send", data={"scene": "register", "destination": junk},
                headers={"Accept": "application/json"})
    row = db.session.scalar(db.select(VerificationCode))
    assert row.status == "refused" and len(row.destination) == code_log.TYPED_KEPT
    assert row.destination.endswith("…") and junk.startswith(row.destination[:-1])
    auth.login()
    html = client.get("/admin/logs/codes", headers=ZH).get_data(as_text=True)
    assert f'<td class="as-typed">{row.destination}</td>' in html


def test_help_text_sets_technical_words_as_code():
    html = str(code_spans("Run `flask --app app logs prune`; set HERALD_PROXY_COUNT; "
                          "refused with api_disabled; POST /api/events; {{ code }} <b>; "
                          "{phone} or {\"code\": \"1\"}"))
    assert "<code>flask --app app logs prune</code>" in html
    assert "<code>HERALD_PROXY_COUNT</code>" in html and "<code>api_disabled</code>" in html
    assert "<code>POST /api/events</code>" in html and "<code>{{ code }}</code>" in html
    assert "&lt;b&gt;" in html and "<code>{phone}</code>" in html
    assert "<code>{&#34;code&#34;: &#34;1&#34;}</code>" in html


def _literal_remarks() -> dict[str, str]:
    """Every raw_message="..." Herald writes as a literal, by where it is written."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = {}
    for folder in ("gateways", "services", "core", "blueprints"):
        for path in sorted((root / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.keyword) and node.arg == "raw_message" and \
                        isinstance(node.value, ast.Constant) and \
                        isinstance(node.value.value, str) and node.value.value.isascii():
                    found[node.value.value] = f"{path.relative_to(root)}:{node.lineno}"
    return found


def test_every_remark_herald_writes_is_translated_when_shown(app):
    from gateways.log import NOT_SENT

    written = {**_literal_remarks(), NOT_SENT: "gateways/log.py"}
    with app.test_request_context(headers=EN):
        unknown = {text: where for text, where in written.items()
                   if remarks.herald_remark(text) is None}
    assert not unknown, f"add these to core/remarks.py: {unknown}"


def test_a_refusal_flash_reads_as_words_with_its_code_beside(app, client, auth):
    auth.login()
    html = client.post("/admin/abuse/blocks", data={"kind": "ip", "value": "not-an-ip",
                                                    "reason": "x"},
                       headers=ZH).get_data(as_text=True)
    assert "[invalid_input]" not in html
    with app.test_request_context(headers=ZH), force_locale("zh_CN"):
        from core import catalog

        assert f"{catalog.message('invalid_input')} <code>invalid_input</code>" in html
