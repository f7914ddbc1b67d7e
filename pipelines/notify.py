"""Tell someone when something goes wrong (docs/deployment.md, "Notifications"): a run that
failed, and a department's delivery that is overdue. The channel is configured by the
environment, so the same code mails the data team in production and a test's local server in
`make test`:

- BAROMETER_NOTIFY_WEBHOOK: a URL; each notification is POSTed as JSON {"subject", "text"}
  (a Teams/Slack/Mattermost incoming webhook, or the municipality's own);
- BAROMETER_NOTIFY_SMTP (host:port), BAROMETER_NOTIFY_FROM, BAROMETER_NOTIFY_TO (comma-separated):
  an e-mail; BAROMETER_NOTIFY_SMTP_STARTTLS=1 and BAROMETER_NOTIFY_SMTP_USER / _PASSWORD where the
  relay wants them.

Both may be set. With none, a notification is only logged. Texts are Danish (English with
BAROMETER_LANG=en: core/messages/<lang>.yml, `notify.*`), and carry no cell of a department's
file (a run's error is neutralised before it is sent)."""

from __future__ import annotations

import json
import os
import smtplib
import urllib.request
from email.message import EmailMessage

from assets.intake.neutral import terminal
from core.i18n import t

WEBHOOK, SMTP, SENDER, RECIPIENTS = ("BAROMETER_NOTIFY_WEBHOOK", "BAROMETER_NOTIFY_SMTP", "BAROMETER_NOTIFY_FROM",
                                     "BAROMETER_NOTIFY_TO")
STARTTLS = "BAROMETER_NOTIFY_SMTP_STARTTLS"
USER, PASSWORD = "BAROMETER_NOTIFY_SMTP_USER", "BAROMETER_NOTIFY_SMTP_PASSWORD"
MAX_TEXT = 4000


def configured() -> list[str]:
    """The channels the environment configures: 'webhook', 'smtp'."""
    out = []
    if os.environ.get(WEBHOOK):
        out.append("webhook")
    if os.environ.get(SMTP) and os.environ.get(RECIPIENTS):
        out.append("smtp")
    return out


def _webhook(subject: str, text: str) -> None:
    body = json.dumps({"subject": subject, "text": text}, ensure_ascii=False).encode()
    request = urllib.request.Request(os.environ[WEBHOOK], data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=20) as response:
        response.read()


def _smtp(subject: str, text: str) -> None:
    host, _, port = os.environ[SMTP].rpartition(":")
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = os.environ.get(SENDER) or "barometer@localhost"
    message["To"] = ", ".join(a.strip() for a in os.environ[RECIPIENTS].split(",") if a.strip())
    message.set_content(text)
    with smtplib.SMTP(host or "localhost", int(port or 25), timeout=20) as smtp:
        if os.environ.get(STARTTLS) == "1":
            smtp.starttls()
        if os.environ.get(USER):
            smtp.login(os.environ[USER], os.environ.get(PASSWORD, ""))
        smtp.send_message(message)


def notify(subject: str, text: str, log=None) -> list[str]:
    """Send one notification on every configured channel; returns the channels it reached. A
    channel that fails is logged and does not stop the others."""
    subject, text = terminal(subject)[:200], terminal(text, keep_newlines=True)[:MAX_TEXT]
    sent = []
    for name, send in (("webhook", _webhook), ("smtp", _smtp)):
        if name not in configured():
            continue
        try:
            send(subject, text)
            sent.append(name)
        except Exception as e:  # noqa: BLE001 - one channel down must not silence the other
            if log:
                log.error(f"notification via {name} failed: {terminal(e)}")
    if log:
        log.info(f"notified ({', '.join(sent) or 'no channel configured'}): {subject}")
    return sent


def run_failed_text(run_id: str, job: str, partition: str | None, error: str | None) -> tuple[str, str]:
    """The notification of a failed run: (subject, text), in the language in force (Danish unless
    BAROMETER_LANG=en; core/messages/<lang>.yml, `notify.*`)."""
    where = t(None, "notify.round", round=partition) if partition else ""
    subject = t(None, "notify.run_failed_subject", where=where)
    text = t(None, "notify.run_failed", run_id=run_id, job=job, where=where) + f"\n\n{error or ''}"
    return subject, text


def overdue_text(rows: list[tuple[str, str, str]]) -> tuple[str, str]:
    """The notification of overdue deliveries, rows (round, department, deadline): (subject, text)."""
    rounds = sorted({r for r, _, _ in rows})
    subject = t(None, "notify.overdue_subject", n=len(rows), rounds=", ".join(rounds))
    lines = [t(None, "notify.overdue_line", department=dept, round=rnd, deadline=deadline)
             for rnd, dept, deadline in rows]
    return subject, t(None, "notify.overdue") + "\n\n" + "\n".join(lines)
