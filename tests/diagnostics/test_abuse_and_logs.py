"""Blocks, the abuse view, streamed CSV export in bounded memory, and pruning."""

from __future__ import annotations

import json
import tracemalloc
from datetime import timedelta

from sqlalchemy import insert

from blueprints.admin_log_export.logs import EXPORTS
from core import clock, settings
from extensions import db
from models import AuditEntry, Block, DeliveryAttempt, OutboxMessage, SiteAlert, VerificationCode
from services.codes import blocks, code_log
from services.logs import export as log_export
from tests.diagnostics.helpers import page


def code_row(phone: str, ip: str = "203.0.113.9", status: str = "sent", checked=False,
             hours_ago: float = 1, **extra) -> VerificationCode:
    now = clock.now() - timedelta(hours=hours_ago)
    return VerificationCode(scene="register", channel="sms", destination=phone, ip=ip,
                            status=status, created_at=now, expires_at=now,
                            consumed_at=now if checked else None, **extra)


def test_is_blocked_by_phone_prefix_and_network(app):
    blocks.add("phone", "13800138000")
    blocks.add("prefix", "+86 170")
    blocks.add("ip", "203.0.113.0/24")
    assert blocks.is_blocked(phone="+8613800138000").kind == "phone"
    assert blocks.is_blocked(phone="+8617012345678").value == "+86170"
    assert blocks.is_blocked(ip="203.0.113.77").value == "203.0.113.0/24"
    assert blocks.is_blocked(phone="+8613912345678", ip="198.51.100.1") is None


def test_the_oldest_of_several_matching_blocks_wins_and_removal_takes_effect(app):
    assert blocks.is_blocked(phone="+8617012345678") is None  # the empty index is cached
    wide = blocks.add("prefix", "+86170")
    narrow = blocks.add("prefix", "+861701234")
    assert blocks.is_blocked(phone="+8617012345678").id == wide.id
    blocks.remove(wide.id)
    assert blocks.is_blocked(phone="+8617012345678").id == narrow.id
    blocks.add("ip", "2001:db8::/32")
    assert blocks.is_blocked(ip="2001:db8:1::5").value == "2001:db8::/32"
    assert blocks.is_blocked(ip="2001:db9::5") is None


def test_abuse_view_ranks_and_converts(app, client, auth):
    db.session.add_all([code_row("+8617000000001", checked=False) for _ in range(6)]
                       + [code_row("+8613912345678", ip="198.51.100.7", checked=True)]
                       + [code_row("+8613900000000", hours_ago=30)])  # outside the window
    db.session.add(SiteAlert(kind="hourly_ceiling", message="more than 500 codes in an hour"))
    db.session.commit()
    auth.login()
    html = page(client, "/admin/abuse/")
    phones = html.split("top-phone")[1].split("</section>")[0]
    assert phones.index("+8617000000001") < phones.index("+8613912345678")
    assert "+8613900000000" not in html
    assert "<code>+86170</code>" in html and "<code>CN</code>" in html
    # The alert reads in the page's language; its stored English message is for logs and CLI.
    assert "Possible SMS pumping" in html and "more than 500 codes in an hour" not in html
    data = json.loads(html.split('id="abuse-hourly-data">')[1].split("</script>")[0])
    assert len(data["counts"]) == 24 and sum(data["counts"]) == 7
    assert "vendor/chartjs/chart.umd.min.js" in html and "<script>" not in html


def test_one_click_block_and_unblock(app, client, auth):
    db.session.add(code_row("+8617000000001"))
    db.session.commit()
    auth.login()
    response = client.post("/admin/abuse/blocks", data={"kind": "prefix", "value": "+86170"})
    assert response.status_code == 302
    block = db.session.scalar(db.select(Block))
    assert (block.kind, block.value, block.created_by) == ("prefix", "+86170", "root")
    assert blocks.is_blocked(phone="+8617000000001") is not None
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "abuse.block"))
    client.post(f"/admin/abuse/blocks/{block.id}/delete")
    assert blocks.is_blocked(phone="+8617000000001") is None


def test_a_bad_block_is_refused_with_a_message(app, client, auth):
    auth.login()
    response = client.post("/admin/abuse/blocks", data={"kind": "ip", "value": "not-an-ip",
                                                        "reason": "x"})
    assert response.status_code == 400
    assert "invalid_input" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Block)) is None


def test_csv_export_uses_the_log_filters(app, client, auth):
    db.session.add_all([code_row("+8613912345678", status="refused", error="code_limit"),
                        code_row("+8613800000000")])
    db.session.commit()
    auth.login()
    response = client.get("/admin/logs/export/codes.csv?phone=139%201234%205678",
                          buffered=True)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("id,time_utc,scene")
    assert len(lines) == 2 and "+8613912345678" in lines[1] and "code_limit" in lines[1]


def test_csv_export_neutralises_formulas(app, client, auth):
    db.session.add(DeliveryAttempt(channel="sms", gateway="http", destination="+8613912345678",
                                   purpose="server_opened", status="failed", error="unknown",
                                   raw_message="=HYPERLINK(\"http://x\")"))
    db.session.commit()
    auth.login()
    text = client.get("/admin/logs/export/notifications.csv", buffered=True).get_data(
        as_text=True)
    assert "'=HYPERLINK" in text and ",+8613912345678," in text


def test_csv_export_is_for_super_admins(app, client, auth):
    from core.admins import make_admin

    make_admin("ops", "correct-horse-battery", role="operator")
    auth.login("ops")
    assert client.get("/admin/logs/export/codes.csv").status_code == 403


def add_code_rows(start: int, count: int) -> None:
    now = clock.now()
    db.session.execute(insert(VerificationCode), [
        {"scene": "register", "channel": "sms", "destination": f"+86139{i:08d}",
         "ip": "203.0.113.9", "status": "sent", "created_at": now, "expires_at": now,
         "binding": "", "action": "", "code_hash": "", "code_hint": "12", "code_length": 6,
         "attempts": 0, "error": "", "raw_code": "", "raw_message": "", "gateway": "aliyun"}
        for i in range(start, start + count)])
    db.session.commit()


def export_peak() -> tuple[int, int, int]:
    """(lines, bytes, peak traced memory) of streaming the whole code log."""
    spec = EXPORTS["codes"]
    tracemalloc.start()
    size, lines = 0, 0
    # The generator the route streams (the test client would buffer the body itself).
    for chunk in log_export.generate(spec.query({}), spec.id_column, spec.columns):
        size += len(chunk.encode())
        lines += chunk.count("\n")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return lines, size, peak


def test_csv_export_memory_does_not_grow_with_the_log(app):
    add_code_rows(0, 6_000)
    small = export_peak()
    add_code_rows(6_000, 30_000)  # six times the rows...
    large = export_peak()
    assert (small[0], large[0]) == (6_001, 36_001)
    assert large[1] > 5 * small[1]
    # ...the same memory: a batch of rows at a time, never the whole result or CSV.
    assert large[2] < small[2] * 1.5 + 200_000, (small, large)
    assert large[2] < 6_000_000


def test_prune_deletes_old_rows_per_log(app, runner):
    old, new = clock.now() - timedelta(days=200), clock.now()
    attempt = DeliveryAttempt(channel="sms", gateway="log", destination="+8613912345678",
                              status="sent", created_at=old)
    db.session.add_all([code_row("+8613912345678", hours_ago=24 * 200), code_row("+86139"),
                        attempt, DeliveryAttempt(channel="sms", gateway="log",
                                                 destination="x", status="sent"),
                        AuditEntry(actor="root", action="x", created_at=old)])
    db.session.flush()
    db.session.add(OutboxMessage(attempt_id=attempt.id, channel="sms", destination="x",
                                 content="t", created_at=new))  # young copy of an old attempt
    db.session.commit()
    code_log.total()
    settings.update({"basic.retention_audit_days": 0})
    dry = runner.invoke(args=["logs", "prune", "--dry-run"])
    assert "codes: would delete 1" in dry.output
    assert db.session.scalar(db.select(db.func.count()).select_from(VerificationCode)) == 2
    result = runner.invoke(args=["logs", "prune"])
    assert result.exit_code == 0, result.output
    assert "codes: deleted 1" in result.output and "notifications: deleted 1" in result.output
    assert "audit: kept forever (retention 0)" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(VerificationCode)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) >= 1
    assert code_log.total() == 1  # the code log's page total follows the deletions
