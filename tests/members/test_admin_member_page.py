"""Site → Members → one member: the referral code the member registered with is shown."""

from __future__ import annotations

import re

from tests.notify.conftest import EN, ZH, make_member


def referral_cell(html: str) -> str:
    return re.search(r'<dd[^>]*class="[^"]*referral[^"]*"[^>]*>(.*?)</dd>', html, re.S).group(1)


def test_the_member_page_shows_the_referral_code(signed_in):
    member = make_member(phone="+8613800138011", email="", referral_code="AGENT-7")
    html = signed_in.get(f"/admin/members/{member.id}", headers=ZH).get_data(as_text=True)
    assert "推荐码" in html and referral_cell(html) == "AGENT-7"


def test_a_member_without_one_shows_a_dash(signed_in):
    member = make_member(phone="+8613800138012", email="")
    html = signed_in.get(f"/admin/members/{member.id}", headers=EN).get_data(as_text=True)
    assert "Referral code" in html and referral_cell(html) == "-"


def wechat_cell(html: str) -> str:
    cell = re.search(r'<dd[^>]*class="[^"]*wechat-binding[^"]*"[^>]*>(.*?)</dd>', html, re.S)
    return re.sub(r"<[^>]+>", "", cell.group(1)).strip()


def test_the_member_page_shows_the_wechat_binding_and_its_state(app, signed_in, frozen):
    from extensions import db
    from models.wechat_binding import BINDING_UNSUBSCRIBED, WechatBinding

    member = make_member(phone="+8613800138013", email="")
    page = f"/admin/members/{member.id}"
    assert wechat_cell(signed_in.get(page, headers=EN).get_data(as_text=True)) == "Not bound"

    binding = WechatBinding(member_id=member.id, openid="oBound123", active_openid="oBound123",
                            bound_at=frozen.now, changed_at=frozen.now)
    member.wechat_openid = "oBound123"
    db.session.add(binding)
    db.session.commit()
    cell = wechat_cell(signed_in.get(page, headers=EN).get_data(as_text=True))
    assert cell.startswith("oBound123") and "bound on" in cell

    binding.status, binding.active_openid, member.wechat_openid = BINDING_UNSUBSCRIBED, None, ""
    db.session.commit()
    cell = wechat_cell(signed_in.get(page, headers=EN).get_data(as_text=True))
    assert "oBound123" in cell and "unfollowed on" in cell
