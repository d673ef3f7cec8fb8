"""Translatable names for deliberation's enumerations and sort keys."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from pb.deliberation.models import AmendmentStatus, ReportStatus, VersionKind

AMENDMENT_STATUS = {
    AmendmentStatus.PENDING: _l("Awaiting the author's decision"),
    AmendmentStatus.ACCEPTED: _l("Accepted"),
    AmendmentStatus.REJECTED: _l("Not accepted"),
    AmendmentStatus.CLOSED: _l("Closed without a decision"),
}
VERSION_KIND = {
    VersionKind.ORIGINAL: _l("as first proposed"),
    VersionKind.EDITED: _l("edited by the author"),
    VersionKind.AMENDMENT: _l("accepted amendment"),
    VersionKind.MERGE: _l("rewritten when merging proposals"),
}
REPORT_STATUS = {
    ReportStatus.OPEN: _l("Open"),
    ReportStatus.HIDDEN: _l("Hidden"),
    ReportStatus.DISMISSED: _l("Dismissed"),
}
COMMENT_SORT = {"newest": _l("Newest"), "oldest": _l("Oldest"), "agreed": _l("Most agreed")}
SEARCH_SORT = {
    "supports": _l("Most supported"),
    "newest": _l("Newest"),
    "discussed": _l("Most discussed"),
}
GLOBALS = {
    "amendment_status_label": lambda value: AMENDMENT_STATUS[AmendmentStatus(value)],
    "version_kind_label": lambda value: VERSION_KIND[VersionKind(value)],
    "report_status_label": lambda value: REPORT_STATUS[ReportStatus(value)],
    "comment_sort_label": COMMENT_SORT.__getitem__,
    "search_sort_label": SEARCH_SORT.__getitem__,
}
