"""The SMS template editor: length as received, the multi-message warning, numbered
parameters, and syntax errors shown with Jinja's text as code."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from core import settings
from extensions import db
from models import MessageTemplate
from tests.notify.conftest import EN

URL = "/admin/templates/server_opened/sms/en"
LONG = "{{ server_name }} " + "服" * 80  # UCS-2, 80+ units: two messages
SMSBAO = {"sms.gateway": "smsbao", "sms.smsbao.username": "u", "sms.smsbao.password": "p",
          "sms.smsbao.signature": "Herald"}


def stored():
    return db.session.scalar(db.select(MessageTemplate).where(
        MessageTemplate.purpose == "server_opened", MessageTemplate.channel == "sms",
        MessageTemplate.locale == "en"))


def test_preview_shows_the_signed_text_its_count_and_segments(signed_in):
    settings.update(SMSBAO)
    html = signed_in.post(URL, data={"text": "Ready: {{ server_name }}", "preview": "1"},
                          headers=EN).get_data(as_text=True)
    assert "【Herald】Ready: hk-web-01" in html
    units = len("【Herald】Ready: hk-web-01")
    assert f"{units} characters (UCS-2) · billed as 1 SMS" in html
    assert "One SMS holds 70 characters in UCS-2; a longer text is split into parts of 67." \
        in html


def test_without_a_signing_gateway_the_text_is_counted_as_is(signed_in):
    html = signed_in.post(URL, data={"text": "Ready: {{ server_name }}", "preview": "1"},
                          headers=EN).get_data(as_text=True)
    assert "16 characters (GSM-7) · billed as 1 SMS" in html and "【" not in html


def test_the_live_counter_gets_the_signature_and_the_samples(signed_in):
    settings.update(SMSBAO)
    html = signed_in.get(URL, headers=EN).get_data(as_text=True)
    box = re.search(r'<div[^>]*id="sms-length"[^>]*>', html).group(0)
    assert 'data-sign="Herald"' in box
    samples = json.loads(unescape(re.search(r'data-samples="([^"]*)"', box).group(1)))
    assert samples["server_name"] == "hk-web-01"
    assert "js/sms-length.js" in html


def test_a_multi_message_template_is_not_saved_without_confirmation(confirmed):
    response = confirmed.post(URL, data={"text": LONG, "save": "1"}, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and stored() is None
    assert "billed as 2 messages" in html and 'name="confirm_length"' in html
    assert 'id="length-warning"' in html

    response = confirmed.post(URL, data={"text": LONG, "confirm_length": "y", "save": "1"})
    assert response.status_code == 302 and stored().text == LONG


def test_a_one_message_template_saves_without_asking(confirmed):
    response = confirmed.post(URL, data={"text": "Ready: {{ server_name }}", "save": "1"})
    assert response.status_code == 302 and stored() is not None


def test_the_warning_comes_before_the_protection_code(signed_in):
    response = signed_in.post(URL, data={"text": LONG, "save": "1"}, headers=EN)
    assert response.status_code == 200 and "billed as 2 messages" in response.get_data(
        as_text=True)


def test_tencent_numbered_parameters_are_saved(confirmed):
    response = confirmed.post(URL, data={
        "template_code": "1110", "params": "1 = {{ server_name }}\n2 = {{ expires_at }}",
        "save": "1"}, headers=EN)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert stored().params == {"1": "{{ server_name }}", "2": "{{ expires_at }}"}


@pytest.mark.parametrize(("params", "words"), [
    ("1 = {{ server_name }}\n3 = {{ expires_at }}", "missing: 2"),
    ("1 = {{ server_name }}\n1 = {{ expires_at }}", "Line 2: 1 is already mapped above."),
])
def test_bad_numbering_is_refused_inline(confirmed, params, words):
    response = confirmed.post(URL, data={"template_code": "1110", "params": params,
                                         "save": "1"}, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and words in html and stored() is None


def test_an_unnamed_syntax_error_shows_jinja_text_as_code(confirmed):
    html = confirmed.post(URL, data={"text": "{% raw %}x", "save": "1"},
                          headers=EN).get_data(as_text=True)
    assert "the template cannot be read here. <code>Missing end of raw directive</code>" in html


TENCENT = {"sms.gateway": "tencent", "sms.tencent.secret_id": "AKIDx",
           "sms.tencent.secret_key": "k", "sms.tencent.sdk_app_id": "1400006666",
           "sms.tencent.sign_name": "Herald"}


@pytest.fixture
def approved_1110(app):
    """Diagnostics last read template 1110 from Tencent: two numbered variables."""
    from core import clock
    from gateways.records import APPROVED, TEMPLATE, Record
    from services.diagnostics import provider_records

    settings.update(TENCENT)
    provider_records.remember(provider_records.Snapshot("tencent", clock.now(), templates=[
        Record(TEMPLATE, "1110", APPROVED, content="您的服务器{1}已开通，{2}到期。")]))


def test_a_mapping_short_of_the_approved_template_is_refused(confirmed, approved_1110):
    response = confirmed.post(URL, data={"template_code": "1110",
                                         "params": "1 = {{ server_name }}", "save": "1"},
                              headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and stored() is None
    assert "The provider&#39;s template uses 2, which the mapping does not give." in html
    assert "<code>您的服务器{1}已开通，{2}到期。</code>" in html


def test_a_mapping_matching_the_approved_template_is_saved(confirmed, approved_1110):
    response = confirmed.post(URL, data={
        "template_code": "1110", "params": "1 = {{ server_name }}\n2 = {{ expires_at }}",
        "save": "1"}, headers=EN)
    assert response.status_code == 302 and stored().template_code == "1110"


def test_a_template_diagnostics_never_read_is_not_checked(confirmed, approved_1110):
    response = confirmed.post(URL, data={"template_code": "2220",
                                         "params": "1 = {{ server_name }}", "save": "1"})
    assert response.status_code == 302
