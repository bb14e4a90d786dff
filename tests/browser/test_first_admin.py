"""The first admin and Site → Admins → New admin, in a real browser (headless Chromium).

- A super admin fills and submits the New admin form, confirms it with a code from the
  Outbox (the quick start's log gateway), and sees the new admin listed.
- The first admin, made with no phone and no email as `flask --app app admin ensure` makes
  it, signs in, is led to "Secure your account", skips it, tries a protected action, is
  offered the step again from the confirmation page, binds a phone with the code the
  Outbox shows, and the parked action completes.

Fixtures: tests/browser/conftest.py. Screenshots go to tests/_artifacts/.
"""

from __future__ import annotations

import pytest

from core.admins import make_admin
from extensions import db
from models import Admin
from tests.browser.conftest import fill_admin_login, outbox_code, shot, sign_in
from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser

NEW_PHONE = "+8613800138091"


def fill_new_admin(page, username: str) -> None:
    """Site → Admins → New admin, filled with the least privileged role it preselects."""
    page.goto(page.base + "/admin/admins/")
    page.click("a[href='/admin/admins/new']")
    page.wait_for_url("**/admin/admins/new")
    assert page.input_value("#role") == "operator"
    page.fill("#username", username)
    page.fill("#password", "Amber-Lantern-84")
    page.fill("#email", f"{username}@example.com")
    shot(page, f"admin-new-{username}", full_page=False)
    page.click("#submit")


def confirm_with_outbox_code(page, destination: str) -> None:
    page.wait_for_url("**/admin/confirm/**")
    page.click("form[action*='/send'] [type=submit]")
    page.wait_for_selector("[data-sent-to]")
    assert "Outbox" in page.inner_text("[data-sent-to]") or "发件箱" in page.inner_text(
        "[data-sent-to]")
    page.fill("#code", outbox_code(destination)[0])
    page.click("button[name=confirm]")


def assert_listed(page, username: str) -> None:
    page.wait_for_url("**/admin/admins/")
    assert username in page.inner_text("table")
    db.session.rollback()
    assert db.session.scalar(db.select(Admin.role).where(Admin.username == username)) == \
        "operator"


def test_a_super_admin_creates_an_admin_from_the_new_admin_form(desktop, admin):
    page = desktop
    sign_in(page, admin)
    fill_new_admin(page, "helper")
    confirm_with_outbox_code(page, admin.phone)
    assert_listed(page, "helper")
    shot(page, "admin-new-listed", full_page=False)


def test_the_first_admin_secures_the_account_and_finishes_a_protected_action(desktop, app):
    first = make_admin("admin", ADMIN_PASSWORD)  # no phone, no email: `admin ensure`'s
    page = desktop
    fill_admin_login(page, first)
    page.click("[type=submit]")
    page.wait_for_url("**/admin/secure**")
    shot(page, "admin-secure-account", full_page=False)
    page.click("#secure-later")
    page.wait_for_url("**/admin/")

    fill_new_admin(page, "second")  # a protected action, with nowhere to send its code
    page.wait_for_url("**/admin/confirm/**")
    assert "protection_no_destination" in page.inner_text("main")
    page.click("a[href*='/admin/secure']")
    page.wait_for_url("**/admin/secure**")

    page.fill("#destination", NEW_PHONE.removeprefix("+86"))
    page.click("#secure-send")
    page.wait_for_selector("[data-sent-to]")
    code, _ = outbox_code(NEW_PHONE)
    # The page sends the admin to the Outbox, and the Outbox shows them their own code.
    outbox = page.context.new_page()
    outbox.goto(page.base + "/admin/outbox/")
    assert code in outbox.inner_text("main")
    outbox.close()
    page.fill("#code", code)
    shot(page, "admin-secure-account-code", docs=True, full_page=False)
    page.click("#secure-confirm")

    page.wait_for_url("**/admin/confirm/**")  # back at the parked New admin submission
    page.click("#protection-continue")
    assert_listed(page, "second")
    db.session.rollback()
    assert db.session.get(Admin, first.id).phone == NEW_PHONE
