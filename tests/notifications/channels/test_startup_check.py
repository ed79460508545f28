"""``expsvc serve`` warns before its banner when the configured SMTP server does not
answer, without showing its password."""

from __future__ import annotations

from pydantic import SecretStr

from app.startup_checks import backing_service_warnings
from tests.notifications.channels.receivers import free_port, smtp_receiver


async def test_an_smtp_server_that_answers_gets_no_warning(settings, tmp_path):
    async with smtp_receiver(tmp_path) as smtp:
        configured = settings.model_copy(update={"smtp_url": SecretStr(smtp.url())})
        assert await backing_service_warnings(configured) == []


async def test_an_smtp_server_that_does_not_answer_is_one_line(settings):
    port = free_port()  # nothing listens there
    url = f"smtp://mailer:hunter2@127.0.0.1:{port}?starttls=true"
    configured = settings.model_copy(update={"smtp_url": SecretStr(url)})
    (line,) = await backing_service_warnings(configured)
    assert line.startswith(f"the SMTP server at smtp://127.0.0.1:{port} does not answer")
    assert line.endswith("(EXPSVC_SMTP_URL)")
    assert "hunter2" not in line
