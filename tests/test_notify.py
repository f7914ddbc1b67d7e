"""Told when something goes wrong (pipelines/notify.py, docs/deployment.md "Notifications"): a
real failed run of the barometer job and the sample's real overdue deliveries go through the real
sensors, and arrive at a webhook (an HTTP server) and a mailbox (an SMTP server), both on
127.0.0.1 in the test."""

from __future__ import annotations

import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import dagster as dg
import pytest
from aiosmtpd.controller import Controller
from conftest import copy_raw

from core import settings
from pipelines import notify


class Channel:
    """A webhook and a mailbox on 127.0.0.1, and what each received."""

    def __init__(self):
        self.posts: list[dict] = []
        self.mails: list = []


@pytest.fixture
def channel(monkeypatch):
    got = Channel()

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            got.posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    web = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=web.serve_forever, daemon=True).start()

    class Mailbox:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - the aiosmtpd API
            got.mails.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    smtp = Controller(Mailbox(), hostname="127.0.0.1", port=port)
    smtp.start()
    monkeypatch.setenv(notify.WEBHOOK, f"http://127.0.0.1:{web.server_address[1]}/hook")
    monkeypatch.setenv(notify.SMTP, f"127.0.0.1:{port}")
    monkeypatch.setenv(notify.SENDER, "barometer@kk.example")
    monkeypatch.setenv(notify.RECIPIENTS, "data-team@kk.example, vagt@kk.example")
    try:
        yield got
    finally:
        smtp.stop()
        web.shutdown()


def test_a_failed_run_is_notified_on_both_channels(channel, tmp_path, monkeypatch):
    """The warehouse folder is a file: the run fails in its first step that writes."""
    from pipelines.definitions import defs
    from pipelines.sensors import notify_on_run_failure

    raw = copy_raw(tmp_path / "raw", ["2009-05"])
    blocked = tmp_path / "warehouse"
    blocked.write_text("not a folder")
    monkeypatch.setenv(settings.ENV_RAW_DIR, str(raw))
    monkeypatch.setenv(settings.ENV_WAREHOUSE_DIR, str(blocked))
    with dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("barometer_job").execute_in_process(
            instance=instance, partition_key="2009-05", raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}})
        assert not result.success
        run = instance.get_run_by_id(result.run_id)
        failure = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)[0].dagster_event
        context = dg.build_run_status_sensor_context(
            sensor_name="notify_on_run_failure", dagster_instance=instance, dagster_run=run,
            dagster_event=failure).for_run_failure()
        notify_on_run_failure(context)
    assert len(channel.posts) == 1 and len(channel.mails) == 1
    post, mail = channel.posts[0], channel.mails[0]
    assert post["subject"].startswith("Barometer: kørslen fejlede (runde 2009-05)")
    assert result.run_id in post["text"] and "Kørslen " in post["text"] and "Run " not in post["text"]  # Danish
    assert mail["Subject"] == post["subject"] and mail["To"] == "data-team@kk.example, vagt@kk.example"
    assert result.run_id in mail.get_content()


def test_overdue_deliveries_are_notified_once(channel, sample_run, monkeypatch):
    """The sample has no 2009-11 folder, and its 2010-05 round only the housing-area files: the
    departments due then are missing past their deadlines. The first evaluation tells all of
    them; the next tells nothing new."""
    from pipelines.sensors import notify_on_overdue_delivery, overdue_deliveries

    monkeypatch.setenv(settings.ENV_WAREHOUSE_DIR, str(sample_run.warehouse))
    overdue = overdue_deliveries(sample_run.public_db)
    assert {r for r, _, _ in overdue} == {"2009-11", "2010-05"}  # the sample has no 2009-11 folder
    with dg.DagsterInstance.ephemeral() as instance:
        first = dg.build_sensor_context(instance=instance)
        notify_on_overdue_delivery(first)
        again = dg.build_sensor_context(instance=instance, cursor=first.cursor)
        notify_on_overdue_delivery(again)
    assert len(channel.posts) == 1 and len(channel.mails) == 1
    text = channel.posts[0]["text"]
    assert channel.posts[0]["subject"].startswith(f"Barometer: {len(overdue)} leverance(r) forsinket")
    for rnd, dept, deadline in overdue:
        assert f"- {dept}, runde {rnd}: frist {deadline}" in text


def test_without_a_channel_nothing_is_sent_and_nothing_breaks(monkeypatch):
    for name in (notify.WEBHOOK, notify.SMTP, notify.RECIPIENTS):
        monkeypatch.delenv(name, raising=False)
    assert notify.configured() == [] and notify.notify("s", "t") == []


def test_a_channel_that_is_down_does_not_silence_the_other(channel, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]  # nothing listens there once the socket is closed
    monkeypatch.setenv(notify.WEBHOOK, f"http://127.0.0.1:{dead}/hook")
    assert notify.notify("Barometer: prøve", "tekst\x1b[31m") == ["smtp"]
    assert "\x1b" not in channel.mails[0].get_content()  # a control character never reaches a terminal


def test_the_sensors_are_registered_without_any_notification_setting(monkeypatch):
    for name in (notify.WEBHOOK, notify.SMTP, notify.RECIPIENTS):
        monkeypatch.delenv(name, raising=False)
    from pipelines.definitions import defs

    names = {s.name for s in defs.sensors}
    assert {"notify_on_run_failure", "notify_on_overdue_delivery", "new_file_in_raw"} <= names
