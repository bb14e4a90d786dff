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
