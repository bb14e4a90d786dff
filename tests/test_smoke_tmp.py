def test_pages(client, auth):
    r = client.get("/admin/login")
    assert r.status_code == 200, r.data
    r = auth.login()
    assert r.status_code == 302, r.data
    for url in ["/admin/", "/admin/settings/basic", "/admin/settings/member", "/admin/settings/sms", "/admin/logs/admin-operations", "/admin/functions/"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.data[:3000])
