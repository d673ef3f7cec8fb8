"""The logging configuration of every process: JSON lines on standard error.

Kept apart from `pb.ops.logs` (the request hooks) so that gunicorn's master can read it without
importing the metrics, which in multiprocess mode would open files before their directory is
ready.
"""

from __future__ import annotations

import logging
import logging.config
import os
from typing import Any

from flask import g, has_request_context
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter


class JsonFormatter(_JsonFormatter):
    """python-json-logger, plus the level, the logger and the current request's id."""

    def add_fields(
        self, log_record: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record["level"] = record.levelname
        log_record["logger"] = record.name
        if "request_id" not in log_record and has_request_context():
            log_record["request_id"] = g.get("request_id")


def logging_config(level: str | None = None) -> dict[str, Any]:
    """A `logging.config.dictConfig` dictionary: JSON lines on standard error."""
    level = level or os.environ.get("PB_LOG_LEVEL", "INFO").upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter, "timestamp": True}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            # gunicorn's own messages (worker boot and exit) in the same format
            "gunicorn.error": {"level": level, "handlers": ["stderr"], "propagate": False},
            # our access line replaces gunicorn's, which would write full client addresses
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
            # at INFO SQLAlchemy logs every statement with its parameters: ballot content
            "sqlalchemy": {"level": "WARNING"},
        },
    }


def configure(level: str | None = None) -> None:
    logging.config.dictConfig(logging_config(level))
