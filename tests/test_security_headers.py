"""Security headers and caching rules on every page."""

import pytest


@pytest.mark.parametrize("path", ["/admin/login", "/admin/nope"])
def test_headers_on_public_pages(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_admin_pages_are_never_cached(client, auth):
    auth.login()
    for path in ["/admin/", "/admin/settings/sms", "/admin/logs/admin-operations"]:
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_production_sends_hsts(base_config):
    from app import create_app

    app = create_app({**base_config, "HERALD_ENV": "production",
                      "HERALD_PASSWORD_PROFILE": "default"})
    response = app.test_client().get("/admin/login", base_url="https://localhost")
    assert "max-age" in response.headers.get("Strict-Transport-Security", "")


def test_pages_have_no_inline_script_or_style(client, auth):
    auth.login()
    for path in ["/admin/login", "/admin/", "/admin/settings/sms", "/admin/settings/member"]:
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html, path
