"""``flask --app app notify EVENT --member ID --var k=v``: validated; exit 2 on bad input."""

from __future__ import annotations

from services.notify import matrix as event_settings
from tests.notify.conftest import SERVER_VARS, attempts, inbox, make_member

VARS = [arg for name, value in SERVER_VARS.items() for arg in ("--var", f"{name}={value}")]


def test_notify_sends_and_prints_each_channel(runner):
    member = make_member()
    result = runner.invoke(args=["notify", "server_opened", "--member", str(member.id), *VARS])
    assert result.exit_code == 0, result.output
    assert "insite: sent -> member:" in result.output
    assert "wechat: skipped" in result.output and "[not_bound]" in result.output
    assert inbox(member.id)[0].body.startswith("您的服务器 hk-web-01")


def test_the_member_may_be_given_by_phone_or_email(runner):
    member = make_member()
    event_settings.save({"server_opened": event_settings.Switches(True, ("insite",))})
    for ref in ("13800138000", "MEMBER@example.com"):
        assert runner.invoke(args=["notify", "server_opened", "--member", ref, *VARS]
                             ).exit_code == 0
    assert len(inbox(member.id)) == 2


def test_bad_input_exits_2_with_the_message(runner):
    member = make_member()
    cases = [
        (["notify", "server_opened", "--member", "999", *VARS], "member_not_found"),
        (["notify", "nope", "--member", str(member.id)], "unknown_event"),
        (["notify", "server_opened", "--member", str(member.id), "--var", "server_name=x"],
         "missing_variables"),
        (["notify", "server_opened", "--member", str(member.id), *VARS, "--var", "oops=1"],
         "unknown_variables"),
    ]
    for args, code in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 2, (args, result.output)
        assert f"[{code}]" in result.output
    assert attempts() == []


def test_a_malformed_var_is_a_usage_error(runner):
    member = make_member()
    result = runner.invoke(args=["notify", "server_opened", "--member", str(member.id),
                                 "--var", "no-equals"])
    assert result.exit_code == 2 and "name=value" in result.output
