"""Every POST endpoint refuses a request without a CSRF token (the API excepted)."""

import re

import pytest

# Signed machine APIs authenticate by HMAC, not by a browser session; the official
# account's pushes (at the fixed address WeChat's console is given) by the Token signature.
CSRF_EXEMPT_PREFIXES = ("/api/", "/wechat/callback")


def post_rules(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and not rule.rule.startswith(CSRF_EXEMPT_PREFIXES):
            yield rule


def concrete_url(rule) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "1" if "id" in m.group(1) else "basic", rule.rule)


def test_there_are_post_endpoints_to_check(app):
    assert len(list(post_rules(app))) >= 4


def test_every_post_without_token_is_refused(app, client, auth):
    auth.login()
    for rule in post_rules(app):
        response = client.post(concrete_url(rule), data={"x": "1"}, csrf=False)
        assert response.status_code == 400, rule.rule
        assert "csrf_failed" in response.get_data(as_text=True), rule.rule


@pytest.mark.parametrize("token", ["", "forged-token"])
def test_a_wrong_token_is_refused(client, auth, token):
    auth.login()
    response = client.post("/admin/functions/clear-cache", data={"csrf_token": token})
    assert response.status_code == 400
