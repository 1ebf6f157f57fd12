"""The e-mail sink: SMTP with STARTTLS and login, a plain-text and an HTML part.

Both parts quote the evidence posts, with what their pictures say
(:func:`foretold.sinks.evidence.quoted_posts`).

Every piece of alert text is HTML-escaped in the HTML part. The password comes from
the env var named by ``password_env``; errors name the server and the SMTP reply
code, never the password.

>>> msg = compose({"id": "a-1", "campaign": "askjpm", "level": "crisis", "at": "2013-11-13T21:26:56Z",
...                "summary": "<script>x</script>"}, "foretold@example.test", ["pr@example.test"])
>>> msg["Subject"]
'[foretold] CRISIS askjpm: <script>x</script>'
>>> "&lt;script&gt;" in msg.get_body(("html",)).get_content()
True
"""

from __future__ import annotations

import html
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import make_msgid

from foretold.sinks.base import LEVEL_COLOURS, Alert, DeliveryError, one_line
from foretold.sinks.evidence import quoted_posts


def compose(
    alert: Alert, sender: str, recipients: Sequence[str], dashboard_url: str = ""
) -> EmailMessage:
    """The message for one alert: plain text first, HTML as the alternative."""
    level = str(alert.get("level", ""))
    campaign = str(alert.get("campaign", ""))
    summary = str(alert.get("summary", ""))
    evidence = alert.get("evidence") or {}
    authors = [str(a) for a in (evidence.get("authors") or [])[:5]]
    links = [str(u) for u in (evidence.get("links") or [])[:5]]
    posts = quoted_posts(alert, 5)
    msg = EmailMessage()
    msg["Subject"] = one_line(f"[foretold] {level.upper()} {campaign}: {summary}", 200)
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Message-ID"] = make_msgid(domain="foretold.local")
    msg["X-Foretold-Alert-Id"] = one_line(str(alert.get("id", "")), 200)
    text = [summary, "", f"level: {level}", f"campaign: {campaign}", f"at: {alert.get('at')}"]
    text += [f"person: {a}" for a in authors] + [f"link: {u}" for u in links]
    text += [f"post: {p}" for p in posts]
    if dashboard_url:
        text += ["", f"dashboard: {dashboard_url}"]
    msg.set_content("\n".join(text) + "\n")
    e = html.escape
    colour = LEVEL_COLOURS.get(level, "#6e7781")
    items = "".join(f"<li>{e(a)}</li>" for a in authors)
    items += "".join(f"<li>{e(u)}</li>" for u in links)
    quoted = "".join(f"<li>{e(p)}</li>" for p in posts)
    quoted = f"<p>Posts:</p><ul>{quoted}</ul>" if quoted else ""
    link = f'<p><a href="{e(dashboard_url)}">Open the dashboard</a></p>' if dashboard_url else ""
    msg.add_alternative(
        f'<html><body><p style="color:{colour};font-weight:bold">{e(level.upper())} · '
        f"{e(campaign)}</p><p>{e(summary)}</p><ul>{items}</ul>{quoted}"
        f"<p>stream time {e(str(alert.get('at', '')))}</p>{link}</body></html>",
        subtype="html",
    )
    return msg


class EmailSink:
    """Send each alert by SMTP: STARTTLS (unless ``starttls`` is False), then login."""

    #: the outbox adds the evidence posts' text (:mod:`foretold.sinks.evidence`)
    quotes_posts = True

    def __init__(
        self,
        host: str,
        sender: str,
        recipients: Sequence[str],
        port: int = 587,
        username: str = "",
        password: str = "",
        starttls: bool = True,
        ssl_context: ssl.SSLContext | None = None,
        dashboard_url: str = "",
        timeout: float = 15.0,
        name: str = "email",
    ) -> None:
        self.host = host
        self.sender = sender
        self.recipients = tuple(recipients)
        self.port = port
        self.username = username
        self.password = password
        self.starttls = starttls
        self.ssl_context = ssl_context
        self.dashboard_url = dashboard_url
        self.timeout = timeout
        self.name = name

    def deliver(self, alert: Alert) -> None:
        """Connect, upgrade, log in, send; DeliveryError names the server and SMTP code."""
        msg = compose(alert, self.sender, self.recipients, self.dashboard_url)
        where = f"sink {self.name!r}: SMTP {self.host}:{self.port}"
        stage = "connect"
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    stage = "STARTTLS"
                    smtp.starttls(context=self.ssl_context or ssl.create_default_context())
                if self.username:
                    stage = "login"
                    try:
                        smtp.login(self.username, self.password)
                    except smtplib.SMTPAuthenticationError as e:
                        raise DeliveryError(
                            f"{where}: login refused ({e.smtp_code})", retry=False
                        ) from None
                stage = "send"
                smtp.send_message(msg)
        except smtplib.SMTPResponseException as e:
            raise DeliveryError(f"{where}: {stage}: server answered {e.smtp_code}") from None
        except smtplib.SMTPException as e:
            raise DeliveryError(f"{where}: {stage}: {type(e).__name__}") from None
        except ssl.SSLError as e:
            raise DeliveryError(f"{where}: TLS failed ({e.reason})") from None
        except OSError as e:
            reason = e.strerror or type(e).__name__
            raise DeliveryError(f"{where}: cannot {stage} ({reason})") from None
