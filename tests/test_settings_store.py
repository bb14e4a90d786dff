"""The settings store: types, validation, caching, encryption, rotation and audit."""

import json

import pytest
from cryptography.fernet import Fernet

from core import settings
from core.settings import store
from core.settings.types import Setting, SettingError
from extensions import cache, db
from models import AuditEntry, SettingValue

SECRET = "sms.aliyun.access_key_secret"


def stored_row(name):
    return db.session.get(SettingValue, name)


def test_defaults_come_from_the_declarations(app):
    assert settings.get("member.code_length") == 6
    assert settings.get("member.code_ttl_minutes") == 10
    assert settings.get("member.code_max_attempts") == 5
    assert settings.get("member.code_interval_seconds") == 60
    assert settings.get("member.daily_cap_phone") == 10
    assert settings.get("member.daily_cap_ip") == 20
    assert settings.get("member.daily_cap_account") == 20
    assert settings.get("member.hourly_ceiling") == 500
    assert settings.get("member.allowed_countries") == ["CN"]
    assert settings.get("member.password_min") == 8
    assert settings.get("member.password_max") == 20
    assert settings.get("basic.default_language") == "zh_CN"
    assert settings.get("sms.gateway") == "log"


def test_unknown_names_are_an_error(app):
    with pytest.raises(KeyError):
        settings.get("member.nope")
    with pytest.raises(settings.SettingsInvalid) as exc:
        settings.update({"member.nope": 1})
    assert "member.nope" in exc.value.errors


@pytest.mark.parametrize(("name", "raw", "expected"), [
    ("member.code_length", "8", 8),
    ("member.code_length", 4, 4),
    ("member.require_qq", "on", True),
    ("member.require_qq", "false", False),
    ("member.allowed_countries", "cn, hk ,MO", ["CN", "HK", "MO"]),
    ("member.captcha_mode", "always", "always"),
    ("basic.timezone", "Europe/Berlin", "Europe/Berlin"),
    ("basic.site_url", "https://panel.example.com", "https://panel.example.com"),
    ("sms.read_timeout", "2.5", 2.5),
])
def test_values_convert_to_their_types(app, name, raw, expected):
    assert settings.lookup(name).convert(raw) == expected


@pytest.mark.parametrize(("name", "raw"), [
    ("member.code_length", "3"),
    ("member.code_length", "9"),
    ("member.code_length", "six"),
    ("member.code_length", True),
    ("member.require_qq", "maybe"),
    ("member.allowed_countries", "CN, XX"),
    ("member.allowed_countries", ""),
    ("member.captcha_mode", "sometimes"),
    ("basic.timezone", "Mars/Olympus"),
    ("basic.site_url", "javascript:alert(1)"),
    ("basic.site_name", "two\nlines"),
    ("basic.site_name", "x" * 81),
    ("sms.fallbacks", "log, nosuchgateway"),
    ("sms.fallbacks", "log, log"),
])
def test_bad_values_are_refused_with_a_message(app, name, raw):
    with pytest.raises(SettingError) as exc:
        settings.lookup(name).convert(raw)
    assert str(exc.value.args[0])


def test_a_bad_value_saves_nothing_else(app):
    with pytest.raises(settings.SettingsInvalid) as exc:
        settings.update({"member.code_length": "7", "member.daily_cap_ip": "-1"})
    assert set(exc.value.errors) == {"member.daily_cap_ip"}
    settings.invalidate()
    assert settings.get("member.code_length") == 6
    assert db.session.scalar(db.select(db.func.count()).select_from(SettingValue)) == 0


def test_group_checks_compare_with_stored_values(app):
    settings.update({"member.password_max": "12"})
    with pytest.raises(settings.SettingsInvalid) as exc:
        settings.update({"member.password_min": "16"})
    assert "member.password_max" in exc.value.errors


def test_saved_values_are_json_and_defaults_are_not_stored(app):
    settings.update({"member.allowed_countries": "CN,HK"})
    assert json.loads(stored_row("member.allowed_countries").value) == ["CN", "HK"]
    settings.update({"member.allowed_countries": "CN"})
    assert stored_row("member.allowed_countries") is None
    assert settings.get("member.allowed_countries") == ["CN"]


def test_cache_is_invalidated_on_save_for_every_worker(app, base_config):
    from app import create_app

    other_worker = create_app(base_config)  # a second process sharing the same cache
    with other_worker.app_context():
        assert settings.get("member.code_length") == 6
    settings.update({"member.code_length": "8"})
    with other_worker.app_context():
        assert settings.get("member.code_length") == 8


def test_reads_come_from_the_cache_until_it_is_cleared(app, client, auth):
    assert settings.get("member.code_length") == 6
    # A change behind the panel's back (another tool writing the table) ...
    db.session.add(SettingValue(name="member.code_length", value="7"))
    db.session.commit()
    from flask import g

    g.pop("_herald_settings", None)
    assert settings.get("member.code_length") == 6  # ... is not seen while cached
    auth.login()
    response = client.post("/admin/functions/clear-cache")
    assert response.status_code == 302
    g.pop("_herald_settings", None)
    assert settings.get("member.code_length") == 7
    assert cache.get(store.CACHE_KEY) is not None  # re-filled on the read


def test_secrets_are_encrypted_at_rest(app):
    settings.update({SECRET: "s3cr3t-value-123"})
    row = stored_row(SECRET)
    assert row.value.startswith("gAAAAA")
    assert "s3cr3t" not in row.value
    assert settings.get(SECRET) == "s3cr3t-value-123"


def test_audit_entry_records_changes_with_secrets_redacted(app):
    settings.update({SECRET: "s3cr3t-value-123", "sms.aliyun.sign_name": "Herald"}, target="sms")
    entry = db.session.scalar(db.select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert entry.action == "settings.update"
    assert entry.target == "sms"
    assert entry.changes["sms.aliyun.sign_name"] == ["", "Herald"]
    assert entry.changes[SECRET] == [store.REDACTED, store.REDACTED]
    assert "s3cr3t" not in json.dumps(entry.changes)


def test_unchanged_save_writes_no_audit_entry(app):
    assert settings.update({"member.code_length": "6"}) == {}
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == 0


def test_key_rotation_re_encrypts_under_the_new_key(app, base_config):
    from app import create_app

    settings.update({SECRET: "rotate-me"})
    old_token = stored_row(SECRET).value
    new_key = Fernet.generate_key().decode()
    both = f"{new_key},{base_config['HERALD_ENCRYPTION_KEYS']}"
    rotated_app = create_app({**base_config, "HERALD_ENCRYPTION_KEYS": both})
    with rotated_app.app_context():
        from core import rotation

        [report] = [r for r in rotation.rotate_all() if r.name == "settings.value"]
        assert report.rotated == 1  # the one secret; plain values are not tokens
        new_token = stored_row(SECRET).value
    assert new_token != old_token
    assert Fernet(new_key).decrypt(new_token.encode()) == b'"rotate-me"'
    only_new = create_app({**base_config, "HERALD_ENCRYPTION_KEYS": new_key})
    with only_new.app_context():
        assert settings.get(SECRET) == "rotate-me"


def test_declaring_a_bad_kind_fails_loudly():
    with pytest.raises(ValueError, match="unknown kind"):
        Setting("basic.x", "basic", "colour", "", "x")


def test_export_leaves_secrets_out_unless_asked(app):
    settings.update({SECRET: "exported?"})
    assert SECRET not in settings.export()
    assert settings.export(with_secrets=True)[SECRET] == "exported?"
