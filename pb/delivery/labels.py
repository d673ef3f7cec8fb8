"""Delivery statuses in words, and the sentences of the notices followers receive."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pb.delivery.models import DeliveryStatus

STATUS_LABELS = {
    DeliveryStatus.PLANNED: _l("Planned"),
    DeliveryStatus.IN_PROGRESS: _l("In progress"),
    DeliveryStatus.DONE: _l("Done"),
    DeliveryStatus.DELAYED: _l("Delayed"),
    DeliveryStatus.CANCELLED: _l("Cancelled"),
}


def status_label(status: DeliveryStatus | str | None) -> str:
    return str(STATUS_LABELS[DeliveryStatus(status or DeliveryStatus.PLANNED)])


def status_notice(data: dict[str, Any]) -> str:
    return _(
        "“%(title)s” is now: %(status)s. Reason: %(reason)s",
        title=data.get("title", ""),
        status=status_label(data.get("status")),
        reason=data.get("reason", ""),
    )


def update_notice(data: dict[str, Any]) -> str:
    return _("New delivery update on “%(title)s”.", title=data.get("title", ""))
