"""The CLI: admin creation, settings get / set / export / import, key rotation, a scheduled
broadcast, and the worker."""

import json
from datetime import timedelta

from cryptography.fernet import Fernet

from core import settings
from extensions import db
from models import Admin, AuditEntry, SettingValue


def test_admin_create_validates_like_the_web_form(runner, app):
    result = runner.invoke(args=["admin", "create", "--username", "x", "--password", "short",
                                 "--phone", "12", "--email", "not-an-email"])
    assert result.exit_code == 2
    for name in ("username", "password", "phone", "email"):
        assert f"{name}:" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Admin)) == 0


def test_admin_create(runner, app):
    result = runner.invoke(args=["admin", "create", "--username", "ops", "--password",
                                 "long-enough-password", "--phone", "13800138000",
                                 "--email", "ops@example.com", "--role", "operator"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(db.select(Admin).where(Admin.username == "ops"))
    assert admin.phone == "+8613800138000" and admin.role == "operator"
    duplicate = runner.invoke(args=["admin", "create", "--username", "ops", "--password",
                                    "long-enough-password"])
    assert duplicate.exit_code == 2 and "该用户名已被使用" in duplicate.output  # site language


def test_admin_ensure_prints_credentials_only_the_first_time(runner, app, client):
    first = runner.invoke(args=["admin", "ensure"])
    assert "Username: admin" in first.output
    password = first.output.split("Password: ")[1].strip()
    assert len(password) >= 12
    assert runner.invoke(args=["admin", "ensure"]).output == ""
    response = client.post("/admin/login", data={"username": "admin", "password": password})
    assert response.status_code == 302


def test_settings_get_and_set(runner, app):
    assert runner.invoke(args=["settings", "get", "member.code_length"]).output.strip() == "6"
    result = runner.invoke(args=["settings", "set", "member.code_length", "7"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["settings", "get", "member.code_length"]).output.strip() == "7"
    entry = db.session.scalar(db.select(AuditEntry))
    assert entry.actor == "cli" and entry.changes == {"member.code_length": [6, 7]}


def test_settings_set_refuses_bad_values_and_unknown_names(runner, app):
    bad = runner.invoke(args=["settings", "set", "member.code_length", "99"])
    assert bad.exit_code == 2 and "不能大于 8" in bad.output  # the site default language
    unknown = runner.invoke(args=["settings", "get", "nope.nope"])
    assert unknown.exit_code == 2 and "Unknown setting" in unknown.output


def test_settings_get_never_prints_a_secret(runner, app):
    settings.update({"sms.aliyun.access_key_secret": "cli-secret"})
    output = runner.invoke(args=["settings", "get", "sms.aliyun.access_key_secret"]).output
    assert "cli-secret" not in output and "set" in output


def test_export_leaves_out_secrets_unless_asked(runner, app):
    settings.update({"sms.aliyun.access_key_secret": "cli-secret"})
    plain = json.loads(runner.invoke(args=["settings", "export"]).output)
    assert "sms.aliyun.access_key_secret" not in plain and plain["member.code_length"] == 6
    full = json.loads(runner.invoke(args=["settings", "export", "--with-secrets"]).output)
    assert full["sms.aliyun.access_key_secret"] == "cli-secret"
    assert db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "settings.export")) is not None


def test_import_is_all_or_nothing(runner, app, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"member.code_length": 7, "member.daily_cap_ip": "lots"}))
    result = runner.invoke(args=["settings", "import", str(bad)])
    assert result.exit_code == 2 and "member.daily_cap_ip" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(SettingValue)) == 0

    good = tmp_path / "good.json"
    good.write_text(json.dumps({"member.code_length": 7, "member.daily_cap_ip": 30}))
    result = runner.invoke(args=["settings", "import", str(good)])
    assert result.exit_code == 0, result.output
    settings.invalidate()
    assert settings.get("member.code_length") == 7 and settings.get("member.daily_cap_ip") == 30


def test_import_refuses_broken_json(runner, app, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = runner.invoke(args=["settings", "import", str(broken)])
    assert result.exit_code == 2 and "not valid JSON" in result.output


def test_export_then_import_round_trips(runner, app, tmp_path):
    settings.update({"basic.site_name": "Round trip", "member.allowed_countries": "CN,HK"})
    exported = runner.invoke(args=["settings", "export"]).output
    settings.update({"basic.site_name": "Changed", "member.allowed_countries": "CN"})
    path = tmp_path / "export.json"
    path.write_text(exported)
    assert runner.invoke(args=["settings", "import", str(path)]).exit_code == 0
    settings.invalidate()
    assert settings.get("basic.site_name") == "Round trip"
    assert settings.get("member.allowed_countries") == ["CN", "HK"]


def test_keys_generate_prints_a_fernet_key(runner):
    Fernet(runner.invoke(args=["keys", "generate"]).output.strip())


def test_keys_rotate(runner, app):
    settings.update({"sms.aliyun.access_key_secret": "rotate-by-cli"})
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0 and "Re-encrypted 1" in result.output


def test_a_broadcast_scheduled_with_at_waits_for_its_time(runner, app, frozen):
    from models.queue import Job
    from services.delivery import sweep
    from tests.notify.conftest import SERVER_VARS, inbox, make_member

    for n in range(2):
        make_member(phone=f"+86138001380{n:02d}", email=f"m{n}@example.com")
    later = frozen.now + timedelta(hours=2)
    variables = [arg for name, value in SERVER_VARS.items() for arg in ("--var", f"{name}={value}")]
    result = runner.invoke(args=["notify", "server_opened", "--all", "--at",
                                 later.isoformat(), *variables])
    assert result.exit_code == 0, result.output
    assert f"for 2 members, sending at {later.isoformat()}" in result.output
    job = db.session.scalars(db.select(Job)).one()
    assert (job.audience, job.origin, job.due_at) == ("all", "cli", later)
    sweep.sweep()
    assert inbox() == []  # not yet
    frozen.move(hours=2)
    sweep.sweep()
    assert len(inbox()) == 2


def test_the_worker_refuses_the_inline_queue(runner):
    """Tests run HERALD_QUEUE=immediate: there is nothing for a worker to consume."""
    result = runner.invoke(args=["worker", "--threads", "2"])
    assert result.exit_code != 0
    assert "HERALD_QUEUE=immediate" in result.output + str(result.exception)
