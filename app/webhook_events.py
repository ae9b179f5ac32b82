"""Which webhook events a stored event is, and which webhooks hear it.

Events are stored by class name in ``event.kind`` (``app.events``); webhooks speak of
:class:`app.domain.WebhookEvent`. A status report that changes the status is two webhook
events. A webhook with an owner hears the events whose ``owner_id`` is its owner and those
without one (they concern everyone, such as a round opening); a portfolio-wide webhook
hears all; none hears an event stored before it was made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.domain import WebhookEvent

_BY_KIND: dict[str, WebhookEvent] = {
    "StatusReportSubmitted": WebhookEvent.STATUS_REPORT_SUBMITTED,
    "PropagatedRiskChanged": WebhookEvent.PROPAGATED_RISK_CHANGED,
    "DependencyBecameLate": WebhookEvent.DEPENDENCY_BECAME_LATE,
    "ReportingPeriodOpened": WebhookEvent.REPORTING_PERIOD_OPENED,
    "ReportingPeriodClosed": WebhookEvent.REPORTING_PERIOD_CLOSED,
    "ReportMissing": WebhookEvent.REPORT_MISSING,
}


def webhook_events_of(kind: str, payload: Mapping[str, Any]) -> tuple[WebhookEvent, ...]:
    """What a stored event is, told as webhook events (none for kinds webhooks do not hear).

    Examples
    --------
    >>> webhook_events_of("StatusReportSubmitted", {"status": "RED", "previous_status": "GREEN"})
    (<WebhookEvent.STATUS_REPORT_SUBMITTED: 'STATUS_REPORT_SUBMITTED'>, \
<WebhookEvent.STATUS_CHANGED: 'STATUS_CHANGED'>)
    >>> webhook_events_of("SomethingElse", {})
    ()
    """
    event = _BY_KIND.get(kind)
    if event is None:
        return ()
    if event is WebhookEvent.STATUS_REPORT_SUBMITTED and payload.get(
        "previous_status"
    ) != payload.get("status"):
        return (event, WebhookEvent.STATUS_CHANGED)
    return (event,)


def hears(webhook: Any, event_id: int, event: WebhookEvent, payload: Mapping[str, Any]) -> bool:
    """Whether ``webhook`` is told of ``event``: asked for, made before it, owner in scope."""
    if event.value not in webhook.events or event_id <= webhook.after_event_id:
        return False
    owner = payload.get("owner_id")
    return webhook.owner_id is None or owner is None or owner == webhook.owner_id
