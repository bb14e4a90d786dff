"""System → Logs → Verification-code log: seed 000's columns, paging, filters, alerts."""

from __future__ import annotations

import re
from datetime import timedelta

from core import clock, settings
from extensions import db
from models import SiteAlert
from models.code import CODE_FAILED, CODE_SENT, VerificationCode
from services.codes import code_log
from tests.codes.conftest import send

ZH = {"Accept-Language": "zh-CN"}


def add_rows(count: int, **fields) -> None:
    start = clock.now() - timedelta(hours=1)
    for i in range(count):
        values = {"scene": "register", "channel": "sms", "destination": f"+86138{i:08d}",
                  "status": CODE_SENT, "gateway": "log", "code_hint": "47", "code_length": 6,
                  "ip": "198.51.100.1", "created_at": start + timedelta(seconds=i),
                  "expires_at": start, **fields}
        db.session.add(VerificationCode(**values))
    db.session.commit()


def ids_on(html: str) -> list[int]:
    return [int(x) for x in re.findall(r"<tr>\s*<td>(\d+)</td>", html)]


def test_the_log_has_the_seeds_columns_and_a_masked_code(client, auth):
    auth.login()
    add_rows(1, status=CODE_FAILED, error="sign_mismatch", raw_code="-2",
             raw_message="签名数据不一致")
    html = client.get("/admin/logs/codes", headers=ZH).get_data(as_text=True)
    for title in ("ID", "类型", "频道", "接收人", "接收手机", "验证码", "验证码模板", "发送时间",
                  "发送结果", "备注"):
        assert re.search(rf"<th[^>]*>{title}</th>", html), title
    assert "47****" in html and "短信验证码" in html and "register" in html
    assert "发送失败" in html and "签名数据不一致" in html
    assert 'href="#fix-sign_mismatch"' in html and 'id="fix-sign_mismatch"' in html
    assert "共 1 条" in html


def test_a_real_send_shows_its_gateway_and_masked_code(client, auth):
    send(client, "register", "13800138001")
    row = db.session.scalar(db.select(VerificationCode))
    auth.login()
    html = client.get("/admin/logs/codes", headers=ZH).get_data(as_text=True)
    assert row.masked_code in html and row.masked_code.endswith("****")
    assert "仅记录" in html or "Log only" in html


def test_ten_rows_a_page_with_total_and_page_jump(client, auth):
    auth.login()
    add_rows(25)
    first = client.get("/admin/logs/codes", headers=ZH).get_data(as_text=True)
    assert len(ids_on(first)) == 10 and "共 25 条" in first and 'name="page"' in first
    newest = db.session.scalar(db.select(db.func.max(VerificationCode.id)))
    assert ids_on(first)[0] == newest
    last = client.get("/admin/logs/codes?page=3").get_data(as_text=True)
    oldest = db.session.scalar(db.select(db.func.min(VerificationCode.id)))
    assert len(ids_on(last)) == 5 and ids_on(last)[-1] == oldest
    assert ids_on(last) == sorted(ids_on(last), reverse=True)
    past_the_end = client.get("/admin/logs/codes?page=99").get_data(as_text=True)
    assert ids_on(past_the_end) == ids_on(last)


def test_every_page_is_read_in_order_from_either_end(app):
    add_rows(23)
    seen = []
    for number in range(1, 4):
        seen += [row.id for row in code_log.CodeLogPage({}, number, 10).items]
    everything = db.session.scalars(db.select(VerificationCode.id).order_by(
        VerificationCode.created_at.desc(), VerificationCode.id.desc())).all()
    assert seen == everything


def test_filters(client, auth):
    auth.login()
    add_rows(3)
    add_rows(1, destination="+8613900139000", scene="login", status=CODE_FAILED,
             channel="sms", ip="203.0.113.9")
    add_rows(1, destination="a@example.com", scene="reset_password", channel="email")

    def shown(query: str) -> int:
        html = client.get("/admin/logs/codes?" + query).get_data(as_text=True)
        return len(ids_on(html))

    assert shown("phone=139 0013 9000") == 1  # typed as a national number
    assert shown("phone=%2B8613900139000") == 1
    assert shown("phone=A@example.com") == 1
    assert shown("scene=login") == 1
    assert shown("status=failed") == 1
    assert shown("channel=email") == 1
    assert shown("ip=203.0.113.9") == 1
    assert shown("scene=login&status=sent") == 0
    assert shown("scene=nonsense") == 5  # an unknown value filters nothing


def test_date_range_in_the_sites_time_zone(client, auth):
    from datetime import UTC, datetime

    auth.login()
    settings.update({"basic.timezone": "Asia/Shanghai"})
    noon = datetime(2026, 3, 15, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
    add_rows(2, created_at=noon)
    add_rows(1, created_at=datetime(2026, 3, 15, 17, 0, tzinfo=UTC))  # 01:00 on the 16th
    add_rows(1, created_at=datetime(2026, 3, 14, 15, 59, tzinfo=UTC))  # 23:59 on the 14th
    html = client.get("/admin/logs/codes?date_from=2026-03-15&date_to=2026-03-15").get_data(
        as_text=True)
    assert len(ids_on(html)) == 2
    html = client.get("/admin/logs/codes?date_from=2026-03-15").get_data(as_text=True)
    assert len(ids_on(html)) == 3


def test_the_total_is_a_counter_kept_with_the_rows(app, client):
    for phone in ("13800138001", "13800138002"):
        send(client, "register", phone)
    assert code_log.total() == 2
    db.session.execute(db.delete(VerificationCode))  # behind the counter's back ...
    db.session.commit()
    assert code_log.total() == 2
    assert code_log.recount() == 0  # ... until a recount
    send(client, "register", "13800138003")
    assert code_log.total() == 1


def test_prune_keeps_the_total_right(app, frozen):
    add_rows(3, created_at=frozen.now - timedelta(days=40))
    add_rows(2, created_at=frozen.now)
    assert code_log.total() == 5
    assert code_log.prune(frozen.now - timedelta(days=30)) == 3
    assert code_log.total() == 2


def test_csv_export_masks_codes(client, auth):
    auth.login()
    add_rows(2)
    response = client.get("/admin/logs/export/codes.csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and "47****" in text
    assert len(text.strip().splitlines()) == 3  # header and two rows


def test_the_log_needs_an_admin(client):
    assert client.get("/admin/logs/codes").status_code == 302


def test_an_open_alert_shows_on_every_admin_page_until_handled(client, auth):
    auth.login()
    db.session.add(SiteAlert(kind="hourly_ceiling", message="x", details={"ceiling": 500}))
    db.session.commit()
    html = client.get("/admin/", headers=ZH).get_data(as_text=True)
    assert "疑似短信盗刷" in html and "500" in html
    alert = db.session.scalar(db.select(SiteAlert))
    client.post(f"/admin/logs/alerts/{alert.id}/resolve")
    assert "疑似短信盗刷" not in client.get("/admin/", headers=ZH).get_data(as_text=True)


def test_revealing_a_code_needs_operation_protection_and_is_audited(client, auth):
    from models import AuditEntry

    send(client, "register", "13800138001")
    row = db.session.scalar(db.select(VerificationCode))
    from tests.codes.conftest import last_code

    code = last_code()
    auth.login()
    parked = client.post(f"/admin/logs/codes/{row.id}/reveal")
    assert parked.status_code == 302 and "/admin/confirm/" in parked.location
    auth.confirm_protection()
    shown = client.post(f"/admin/logs/codes/{row.id}/reveal").get_data(as_text=True)
    assert code in shown
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "codes.reveal"))
    assert entry is not None and str(row.id) in entry.target


def test_a_used_or_expired_code_cannot_be_revealed(app, frozen):
    from services.codes import issue as codes
    from services.codes.issue import CodeRequest

    issued = codes.issue(CodeRequest("register", "+8613800138001", "s:x"))
    row = db.session.get(VerificationCode, issued.id)
    assert codes.reveal(row) == issued.code
    frozen.move(minutes=11)
    assert codes.reveal(row) is None
    frozen.move(minutes=-11)
    assert codes.check("register", "+8613800138001", "s:x", issued.code)
    db.session.refresh(row)
    assert codes.reveal(row) is None


def test_an_eight_digit_code_is_revealed_too(app):
    from services.codes import issue as codes
    from services.codes.issue import CodeRequest

    settings.update({"member.code_length": 8})
    issued = codes.issue(CodeRequest("login", "+8613800138001", "s:x"))
    assert codes.reveal(db.session.get(VerificationCode, issued.id)) == issued.code
