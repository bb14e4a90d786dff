"""The log tables' shared cells: the Remark cell (templates/_macros/remark.html) in every
table that shows one — catalog message, the provider's raw answer, the fix — and the
wrapping helpers of _macros/table.html."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask import render_template_string
from markupsafe import escape

from core import catalog, clock
from extensions import db
from models import DeliveryAttempt, Member, VerificationCode
from services.reseller import clients as reseller_clients

EN = {"Accept-Language": "en"}
PHONE = "+8613800138021"
ERROR, RAW_CODE = "content_rejected", "isv.SMS_TEMPLATE_ILLEGAL"
# Alibaba's answer as it comes: long, and with an unbreakable URL in it.
LONG_RAW = ("The specified TemplateCode SMS_600001 was not found under this account or its review "
            "status is not approved. RequestId: 8A7C1E2F-3B4D-5E6F-7081-92A3B4C5D6E7 Recommend: "
            "https://api.aliyun.com/troubleshoot?q=isv.SMS_TEMPLATE_ILLEGAL&product=Dysmsapi")
FAILURE = {"error": ERROR, "raw_code": RAW_CODE, "raw_message": LONG_RAW}


def failed_attempt(**fields) -> DeliveryAttempt:
    row = DeliveryAttempt(channel="sms", gateway="aliyun", destination=PHONE, status="failed",
                          **FAILURE, **fields)
    db.session.add(row)
    db.session.commit()
    return row


def code_log() -> str:
    db.session.add(VerificationCode(scene="register", channel="sms", destination=PHONE,
                                    status="failed", gateway="aliyun", expires_at=clock.now(),
                                    **FAILURE))
    db.session.commit()
    return "/admin/logs/codes"


def notification_log() -> str:
    failed_attempt(purpose="server_opened")
    return "/admin/logs/notifications"


def member_history() -> str:
    member = Member(phone=PHONE)
    db.session.add(member)
    db.session.commit()
    failed_attempt(purpose="server_opened")
    return f"/admin/members/{member.id}"


def reseller_usage() -> str:
    account, _ = reseller_clients.create("r10000001", "Downstream Ltd", 5, [], [], 60)
    failed_attempt(purpose="reseller:1001", api_client_id=account.api_client_id)
    return f"/admin/resellers/{account.id}/usage"


def tracer() -> str:
    failed_attempt(purpose="server_opened")
    return f"/admin/diagnostics/tracer?q={PHONE}"


# Each table, and where its fix is: linked to the "How to fix" list below the table, printed
# in the cell, or in the tracer's own Fix column.
TABLES = {"code log": (code_log, "link"), "notification log": (notification_log, "link"),
          "member history": (member_history, "link"), "reseller usage": (reseller_usage, "inline"),
          "tracer": (tracer, "column")}


def text(value: str) -> str:
    return str(escape(value))


def remark_cells(html: str) -> list[str]:
    return re.findall(r'<td class="small remark-cell">(.*?)</td>', html, re.S)


@pytest.mark.parametrize("table", TABLES)
def test_every_remark_cell_has_the_message_the_raw_answer_and_the_fix(client, auth, table):
    setup, fix_shown = TABLES[table]
    url = setup()
    auth.login()
    html = client.get(url, headers=EN).get_data(as_text=True)
    [cell] = [cell for cell in remark_cells(html) if RAW_CODE in cell]
    assert text(catalog.message(ERROR, "en")) in cell and f"<code>{ERROR}</code>" in cell
    assert f"<code>{RAW_CODE}</code>" in cell and text(LONG_RAW) in cell
    fix = text(catalog.fix(ERROR, "en"))
    if fix_shown == "link":
        assert f'<a href="#fix-{ERROR}" class="remark">' in cell
        target = re.search(rf'<li class="list-group-item" id="fix-{ERROR}">(.*?)</li>', html, re.S)
        assert target and fix in target.group(1)
    elif fix_shown == "inline":
        assert fix in cell and "#fix-" not in cell
    else:
        row = html[html.index(cell):]
        assert fix in row[:row.index("</tr>")] and fix not in cell


def render(source: str, **context) -> str:
    return render_template_string(source, **context).strip()


class Row:
    def __init__(self, error: str = "", raw_code: str = "", raw_message: str = "") -> None:
        self.error, self.raw_code, self.raw_message = error, raw_code, raw_message


REMARK = "{% from '_macros/remark.html' import remark_cell %}{{ remark_cell(row) }}"


def test_a_long_raw_answer_is_a_preview_that_opens_to_the_whole_text(app):
    with app.test_request_context(headers=EN):
        cell = render(REMARK, row=Row(ERROR, RAW_CODE, LONG_RAW))
    details = re.search(r'<details class="raw-text[^"]*" translate="no">\s*'
                        r'<summary title="([^"]+)">(.*?)</summary>(.*?)</details>', cell, re.S)
    assert details, cell
    title, summary, body = details.groups()
    assert title == text(LONG_RAW) and text(LONG_RAW) in body
    preview = re.search(r'<span class="raw-preview">(.*?)</span>', summary).group(1)
    assert preview.endswith("…") and len(preview) < len(text(LONG_RAW)) / 2
    assert f"<code>{RAW_CODE}</code>" in summary
    assert "<script" not in cell and not re.search(r"\son\w+=", cell)  # the CSP: no inline JS


def test_a_short_raw_answer_is_shown_whole_without_a_toggle(app):
    with app.test_request_context(headers=EN):
        cell = render(REMARK, row=Row("", "550", "5.1.1 Recipient address rejected"))
    assert "<details" not in cell and "5.1.1 Recipient address rejected" in cell
    assert 'translate="no"' in cell  # the provider's words, not Herald's
    assert 'href="#fix-' not in cell


def test_a_remark_herald_wrote_is_shown_in_the_page_language(app):
    with app.test_request_context(headers=EN):
        cell = render(REMARK, row=Row("", "logged", "logged only; not sent to a phone"))
    assert "Logged only: not sent to a phone." in cell
    assert "logged only; not sent to a phone" not in cell and "<code>logged</code>" not in cell


def test_a_row_without_error_or_raw_answer_has_an_empty_remark(app):
    with app.test_request_context(headers=EN):
        cell = render(REMARK, row=Row())
    assert re.fullmatch(r'<td class="small remark-cell">\s*</td>', cell), cell


def test_codes_and_addresses_may_wrap_only_at_their_separators(app):
    source = "{% from '_macros/table.html' import breakable %}{{ breakable(value, sep) }}"
    with app.test_request_context():
        assert render(source, value="operation_protection", sep="_") == \
            "operation_<wbr>protection"
        assert render(source, value="2001:db8::1", sep=":") == "2001:<wbr>db8:<wbr>:<wbr>1"
        assert render(source, value="<b>_x", sep="_") == "&lt;b&gt;_<wbr>x"


def test_a_log_time_may_wrap_between_date_and_time(app):
    source = "{% from '_macros/table.html' import log_time %}{{ log_time(moment) }}"
    with app.test_request_context():
        html = render(source, moment=datetime(2026, 11, 23, 10, 4, 5))
    assert re.fullmatch(r'<span class="text-nowrap">\d{4}-\d\d-\d\d</span> '
                        r'<span class="text-nowrap">\d\d:\d\d:\d\d</span>', html), html
