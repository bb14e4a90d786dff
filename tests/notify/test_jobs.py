"""Jobs: one event for one member or many, later or now, from Python, the CLI and the API.

Tasks run inline here (a job due later waits for the sweep, which the tests call after
moving the clock); tests/queue runs them in real worker processes.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

import pytest

from core import signing
from extensions import db
from models.member import MEMBER_DISABLED
from models.queue import JOB_DONE, JOB_FAILED, JOB_QUEUED, JOB_RUNNING, Job
from services.delivery import sweep
from services.notify import api_clients as event_clients
from services.notify import audience, jobs
from services.notify import matrix as event_settings
from services.notify.dispatch import NotifyError
from tests.notify.conftest import SERVER_VARS, attempts, inbox, make_member

VARS = [arg for name, value in SERVER_VARS.items() for arg in ("--var", f"{name}={value}")]


def members(count: int) -> list:
    return [make_member(phone=f"+861380013{n:04d}", email=f"m{n}@example.com")
            for n in range(count)]


def job(job_id: str) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_one_member_is_a_job_whose_outcomes_are_returned(app):
    member = make_member()
    dispatched = jobs.notify("server_opened", member, **SERVER_VARS)
    row = job(dispatched.job_id)
    assert (row.status, row.total, row.done, row.sent, row.skipped) == (JOB_DONE, 1, 1, 1, 1)
    assert {o.channel: o.status for o in dispatched}["insite"] == "sent"


def test_send_at_waits_until_its_time(app, frozen):
    member = make_member()
    dispatched = jobs.notify("server_opened", member, send_at=frozen.now + timedelta(hours=1),
                             **SERVER_VARS)
    assert job(dispatched.job_id).status == JOB_QUEUED and inbox(member.id) == []
    frozen.move(minutes=59)
    sweep.sweep()
    assert inbox(member.id) == []
    frozen.move(minutes=1)
    sweep.sweep()
    assert job(dispatched.job_id).status == JOB_DONE and len(inbox(member.id)) == 1


def test_a_bad_call_is_refused_before_a_job_is_stored(app):
    with pytest.raises(NotifyError) as refused:
        jobs.notify_all("server_opened", audience.ALL, variables={"server_name": "x"})
    assert refused.value.code == "missing_variables"
    assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 0


def test_a_broadcast_reaches_every_active_member_once(app):
    everyone = members(5)
    everyone[2].status = MEMBER_DISABLED
    db.session.commit()
    row = jobs.notify_all("server_opened", audience.ALL, variables=SERVER_VARS)
    row = job(row.id)
    assert (row.status, row.total, row.done) == (JOB_DONE, 4, 4)
    assert sorted(m.member_id for m in inbox()) == sorted(
        m.id for m in everyone if m.active)
    assert row.sent == 4 and row.skipped == 4  # in-site sent; WeChat: no openid


def test_a_broadcast_to_a_list_or_a_search_reaches_only_those(app):
    everyone = members(4)
    picked = jobs.notify_all("server_opened", audience.LIST,
                             member_ids=[everyone[0].id, everyone[3].id, 999999],
                             variables=SERVER_VARS)
    assert job(picked.id).total == 2
    found = jobs.notify_all("server_opened", audience.FILTER,
                            member_filter={"q": "m1@example.com"}, variables=SERVER_VARS)
    assert job(found.id).total == 1
    assert sorted(m.member_id for m in inbox()) == sorted(
        [everyone[0].id, everyone[3].id, everyone[1].id])


def test_sms_of_a_broadcast_through_a_provider_is_queued_per_message(app, monkeypatch):
    from services.delivery import messaging

    event_settings.save({"server_opened": event_settings.Switches(True, ("sms", "insite"))})
    monkeypatch.setattr(messaging, "chain", lambda channel: ["smsbao"])  # not the log sink
    sent = []
    monkeypatch.setattr(messaging, "deliver", lambda channel, message: sent.append(
        message.to) or _accepted(message))
    everyone = members(3)
    row = jobs.notify_all("server_opened", audience.ALL, variables=SERVER_VARS)
    row = job(row.id)
    assert sorted(sent) == sorted(m.phone for m in everyone)
    assert (row.sent, row.pending) == (6, 0)  # 3 in-site + 3 SMS settled by the worker
    copies = [m for m in inbox() if m.origin_channel == "sms"]
    assert len(copies) == 3 and not any(m.in_inbox for m in copies)


def _accepted(message):
    from gateways.base import SendResult
    from gateways.sender import Delivery

    result = SendResult.sent("smsbao", message_id="m-1")
    return Delivery(result, [result])


def test_a_job_a_stopped_worker_left_resumes_after_its_last_batch(app, monkeypatch):
    monkeypatch.setattr(jobs, "BATCH", 2)
    everyone = members(5)
    original = jobs.outgoing.hand_over
    calls = []

    def die_after_first_batch(ids, due_at=None):
        calls.append(ids)
        if len(calls) == 1:
            raise SystemExit("worker killed")  # after the first batch committed
        original(ids, due_at)

    monkeypatch.setattr(jobs.outgoing, "hand_over", die_after_first_batch)
    with pytest.raises(SystemExit):
        jobs.notify_all("server_opened", audience.ALL, variables=SERVER_VARS)
    row = db.session.scalar(db.select(Job))
    assert (row.status, row.done) == (JOB_RUNNING, 2)
    row.claimed_by = "otherbox:1:gone"  # the killed worker's name
    db.session.commit()
    sweep.sweep()
    row = job(row.id)
    assert (row.status, row.done, row.sent) == (JOB_DONE, 5, 5)
    assert sorted(m.member_id for m in inbox()) == sorted(m.id for m in everyone)


def test_a_template_problem_fails_the_job_with_its_code(app, monkeypatch):
    member = make_member()
    dispatched = jobs.notify("server_opened", member, **SERVER_VARS)

    def broken(*args, **kwargs):
        raise NotifyError("template_invalid", "line 1")

    monkeypatch.setattr(jobs.dispatch, "deliver_to", broken)
    row = job(dispatched.job_id)
    row.status = JOB_QUEUED
    db.session.commit()
    jobs.run(row.id)
    row = job(row.id)
    assert (row.status, row.error) == (JOB_FAILED, "template_invalid")


# The surfaces: CLI and API.

def test_the_cli_broadcasts_with_all_and_schedules_with_at(runner, app, frozen):
    everyone = members(3)
    result = runner.invoke(args=["notify", "server_opened", "--all", *VARS])
    assert result.exit_code == 0, result.output
    assert "for 3 members" in result.output and len(inbox()) == 3
    later = (frozen.now + timedelta(hours=2)).isoformat()
    result = runner.invoke(args=["notify", "server_opened", "--member", str(everyone[0].id),
                                 "--at", later, *VARS])
    assert result.exit_code == 0 and "job " in result.output and len(inbox()) == 3
    for args in (["--all", "--member", "1"], []):
        assert runner.invoke(args=["notify", "server_opened", *args, *VARS]).exit_code == 2
    result = runner.invoke(args=["notify", "server_opened", "--all", "--at", "tomorrow", *VARS])
    assert result.exit_code == 2 and "[bad_request]" in result.output


@pytest.fixture
def credentials(app):
    return event_clients.create("billing")


def call(client, credentials, method, path, payload=None):
    body = json.dumps(payload).encode() if payload is not None else b""
    headers = signing.signed_headers(credentials.client_id, credentials.api_key,
                                     credentials.sign_key, method, path, body,
                                     secrets.token_hex(8))
    if method == "GET":
        return client.get(path, headers=headers)
    return client.post(path, data=body, headers=headers, csrf=False)


def test_the_api_broadcasts_to_all_and_reports_progress(client, credentials):
    members(3)
    answer = call(client, credentials, "POST", "/api/events",
                  {"event": "server_opened", "members": "all", "variables": SERVER_VARS})
    assert answer.status_code == 202, answer.get_json()
    job_id = answer.get_json()["job_id"]
    progress = call(client, credentials, "GET", f"/api/events/jobs/{job_id}")
    assert progress.status_code == 200
    data = progress.get_json()
    assert data["finished"] and data["members"] == {"done": 3, "total": 3}
    assert data["messages"]["sent"] == 3


def test_a_job_is_shown_only_to_the_client_that_started_it(client, credentials):
    member = make_member()
    job_id = call(client, credentials, "POST", "/api/events",
                  {"event": "server_opened", "member_id": member.id,
                   "variables": SERVER_VARS}).get_json()["job_id"]
    other = event_clients.create("crm")
    refused = call(client, other, "GET", f"/api/events/jobs/{job_id}")
    assert refused.status_code == 404 and refused.get_json()["code"] == "job_not_found"


@pytest.mark.parametrize("extra", [
    {"members": "everyone"}, {"members": []}, {"members": [1, "2"]},
    {"members": "all", "member_id": 1}, {"member_id": 1, "send_at": "tomorrow"},
    {"member_id": 1, "send_at": "2026-12-24T09:00:00"},  # no zone
])
def test_bad_audiences_and_times_are_refused_with_bad_request(client, credentials, extra):
    make_member()
    answer = call(client, credentials, "POST", "/api/events",
                  {"event": "server_opened", "variables": SERVER_VARS, **extra})
    assert answer.status_code == 400 and answer.get_json()["code"] == "bad_request"
    assert attempts() == []


def test_the_api_schedules_with_send_at(client, credentials, frozen):
    member = make_member()
    later = (frozen.now + timedelta(minutes=30)).isoformat()
    answer = call(client, credentials, "POST", "/api/events",
                  {"event": "server_opened", "member_id": member.id, "send_at": later,
                   "variables": SERVER_VARS})
    assert answer.status_code == 202 and inbox() == []
    assert answer.get_json()["channels"] == []  # nothing is decided before its time
    assert job(answer.get_json()["job_id"]).status == JOB_QUEUED
    frozen.move(minutes=30)
    sweep.sweep()
    assert len(inbox(member.id)) == 1


def test_a_job_whose_key_was_removed_fails_with_its_code(app, frozen):
    from cryptography.fernet import Fernet

    member = make_member()
    dispatched = jobs.notify("server_opened", member, send_at=frozen.now + timedelta(hours=1),
                             **SERVER_VARS)
    row = job(dispatched.job_id)
    row.variables = Fernet(Fernet.generate_key()).encrypt(b"{}").decode()
    db.session.commit()
    frozen.move(hours=1)
    sweep.sweep()
    row = job(dispatched.job_id)
    assert (row.status, row.error) == (JOB_FAILED, "secret_unreadable") and inbox() == []
