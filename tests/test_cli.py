"""The CLI: admin creation, settings get / set / export / import, key rotation, a scheduled
broadcast, and the worker."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
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
    assert "first sign-in asks for a phone or email" in first.output  # it has neither
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


def test_admin_create_asks_for_the_password_when_it_is_not_given(runner, app):
    result = runner.invoke(args=["admin", "create", "--username", "asked", "--email",
                                 "asked@example.com"], input="typed-password-1\n" * 2)
    assert result.exit_code == 0, result.output
    assert "typed-password-1" not in result.output  # hidden while typed
    from core.passwords import verify_password

    admin = db.session.scalar(db.select(Admin).where(Admin.username == "asked"))
    assert verify_password(admin.password_hash, "typed-password-1")



# --- the README's command lines, as written, in a checkout after `make run`'s setup -------

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
# What the commands must not inherit from the test run: the checkout's own defaults apply.
CLEARED = ("DATABASE_URL", "REDIS_URL", "HERALD_ENV", "HERALD_QUEUE", "HERALD_QUEUE_FILE",
           "HERALD_QUEUE_NAME", "SECRET_KEY", "HERALD_ENCRYPTION_KEYS", "FLASK_APP",
           "FLASK_DEBUG")
# Run in processes of their own, as typed: each starts the app from the environment alone.
IN_A_SHELL = ("settings get", "settings set", "settings export >", "admin create")
# The worker runs until stopped: tests/queue and tests/test_make_run.py start real ones.
LONG_RUNNING = "flask --app app worker"


def readme_command_lines() -> list[str]:
    return [line for line in (ROOT / "README.md").read_text().splitlines()
            if line.startswith("flask --app app ")]


def make_run_setup_lines() -> list[str]:
    recipe = subprocess.run(["make", "--no-print-directory", "-n", "-o", ".venv/.runtime",
                             "-o", "translations", "run"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.splitlines()
    return [line for line in recipe if "flask --app app" in line]


def shell(line: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, input="readme-password-1\n" * 2)


@pytest.mark.slow
def test_readme_command_lines_run_as_written_after_the_quick_start_setup(tmp_path):
    """No HERALD_ENV, no SECRET_KEY: the secrets `make run` wrote under instance/ serve."""
    instance, workdir = tmp_path / "instance", tmp_path / "work"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(HERALD_INSTANCE_PATH=str(instance), PYTHONPATH=str(ROOT),
               PATH=f"{VENV_BIN}:{env.get('PATH', '/usr/bin:/bin')}")
    for line in make_run_setup_lines():  # make exports HERALD_ENV=development to them
        done = shell(line, {**env, "HERALD_ENV": "development"}, ROOT)
        assert done.returncode == 0, (line, done.stderr)
    assert (instance / "secret_key").exists()

    typed = [line for line in readme_command_lines()
             if any(f"flask --app app {words}" in line for words in IN_A_SHELL)]
    assert len(typed) == len(IN_A_SHELL)
    outputs = []
    for line in typed:
        done = shell(line, env, workdir)
        assert done.returncode == 0, (line, done.stdout, done.stderr)
        outputs.append(done.stdout)
    assert outputs[0].strip() == "6"  # settings get member.code_length
    assert json.loads((workdir / "settings.json").read_text())["member.daily_cap_phone"] == 15
    assert outputs[-1].startswith("Created admin ops")


def test_the_other_readme_command_lines_run(runner, app, tmp_path, monkeypatch):
    """The rest, through the same click commands in this process (`worker` aside)."""
    import shlex

    from models import Member

    monkeypatch.chdir(tmp_path)
    db.session.add(Member(id=42, phone="+8613800138042"))  # the line's member
    db.session.commit()
    rest = [line for line in readme_command_lines()
            if not any(f"flask --app app {words}" in line for words in IN_A_SHELL)
            and not line.startswith(LONG_RUNNING)]
    assert len(rest) >= 8
    for line in rest:
        words = shlex.split(line, comments=True)[3:]  # after "flask --app app"
        result = runner.invoke(args=words[:words.index(">")] if ">" in words else words,
                               input="readme-password-1\n" * 2)
        assert result.exit_code == 0, (line, result.output, result.exception)
        if words[:2] == ["settings", "export"]:
            (tmp_path / "settings.json").write_text(result.output)
