"""The Outbox at 1280 px: the content column keeps half the table, nothing overflows."""

from __future__ import annotations

from core import crypto
from extensions import db
from models import OutboxMessage
from tests.browser.conftest import shot, sign_in

LONG_TEXT = ("【Herald】Your server hk-web-01 (203.0.113.10) expires on 2026-12-31. Renew it "
             "in the console before then to keep your data; ignore this message if you have "
             "set up automatic renewal. ") * 2


def test_the_content_column_is_not_squeezed_at_1280_px(desktop, admin):
    db.session.add_all([
        OutboxMessage(channel="email", destination="billing.department.contact@example-company.com",
                      purpose="baremetal_downgrade_scheduled", subject="Downgrade scheduled",
                      content=crypto.encrypt(LONG_TEXT)),
        OutboxMessage(channel="sms", destination="+8613800138000",
                      purpose="operation_protection", content=crypto.encrypt(LONG_TEXT)),
    ])
    db.session.commit()
    sign_in(desktop, admin)
    desktop.goto(desktop.base + "/admin/outbox/")
    widths = desktop.evaluate("""() => ({
        table: document.querySelector('table.outbox').getBoundingClientRect().width,
        content: document.querySelector('td.outbox-content').getBoundingClientRect().width,
        page: document.documentElement.scrollWidth})""")
    shot(desktop, "admin-outbox-1280")
    assert widths["page"] <= 1280, widths
    assert widths["content"] >= 0.45 * widths["table"], widths
