"""Staff alerts: urgent and same-day screens reach a person by email or webhook, and escalate.

- ``routes``: who is alerted for which kind of screen (set by an admin, never in code);
- ``policy``: quiet hours and the same-day escalation hour;
- ``outbox``: alert rows written in the transaction that stores their screen, escalation checks,
  test alerts;
- ``messages``: what an alert says (a reference, a priority, a time and a link, nothing else);
- ``transport``: SMTP (smtplib) and webhook (httpx) sending, sorting failures into retry or give up;
- ``worker``: claims due alerts (one worker each), sends, retries with backoff, escalates.

Nothing here reads answers, results or contact details: an alert carries no health information.
"""
