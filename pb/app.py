"""Application wiring: configuration, extensions, blueprints, error handlers. Nothing else."""

from __future__ import annotations

from typing import Any

from flask import Flask

from pb import access, errors, forms, i18n, labels, limits, routing, security
from pb import db as database
from pb.config import PROJECT_ROOT, Settings
from pb.extensions import csrf, db, login_manager, migrate
from pb.ops import logs, metrics


def build_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        "pb",
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.from_mapping(Settings.from_environment(config).as_flask_config())
    routing.init_app(app)  # before any route is added: `<int:...>` is the bounded converter

    logs.init_app(app)  # first, so its after_request runs last (its figures include the commit)
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    limits.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    database.init_app(app)
    errors.init_app(app)
    forms.init_app(app)
    access.init_app(app)
    security.init_app(app)
    _register_blueprints(app)
    limits.drop_request_wide_check(app)
    _register_cli(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from pb import header
    from pb.accounts.views import bp as accounts_bp
    from pb.admin.views import bp as admin_bp
    from pb.api import openapi as api_v1
    from pb.api.views import bp as api_bp
    from pb.assessment.views import bp as assessment_bp
    from pb.audit.views import bp as audit_bp
    from pb.community.views import bp as community_bp
    from pb.content.views import bp as content_bp
    from pb.deliberation import panels
    from pb.deliberation.views import bp as deliberation_bp
    from pb.delivery import panels as delivery_panels
    from pb.delivery.views import bp as delivery_bp
    from pb.eligibility.code_views import bp as codes_bp
    from pb.eligibility.kiosk_views import bp as kiosk_bp
    from pb.eligibility.station_views import bp as station_bp
    from pb.eligibility.views import bp as eligibility_bp
    from pb.exports.views import bp as exports_bp
    from pb.following import views as following_views
    from pb.mail import outbox
    from pb.mail.views import bp as mail_bp
    from pb.media.views import bp as media_bp
    from pb.ops.views import bp as ops_bp
    from pb.outcomes.views import bp as outcomes_bp
    from pb.paper.views import bp as paper_bp
    from pb.proposals.views import bp as proposals_bp
    from pb.public.views import bp as public_bp
    from pb.results.compare_views import bp as compare_bp
    from pb.results.views import bp as results_bp
    from pb.rounds.views import bp as rounds_bp
    from pb.transparency.views import bp as transparency_bp
    from pb.volunteering.views import bp as volunteering_bp
    from pb.voting.views import bp as voting_bp

    for blueprint in (
        public_bp,
        accounts_bp,
        rounds_bp,
        content_bp,
        proposals_bp,
        voting_bp,
        results_bp,
        compare_bp,
        audit_bp,
        admin_bp,
        api_bp,
        deliberation_bp,
        transparency_bp,
        ops_bp,
        mail_bp,
        eligibility_bp,
        codes_bp,
        station_bp,
        kiosk_bp,
        exports_bp,
        media_bp,
        following_views.bp,
        delivery_bp,
        volunteering_bp,
        community_bp,
        paper_bp,
        assessment_bp,
        outcomes_bp,
    ):
        app.register_blueprint(blueprint)
    panels.init_app(app)
    following_views.init_app(app)
    delivery_panels.init_app(app)
    api_v1.init_app(app)  # /api/v1 and its OpenAPI document
    header.init_app(app)  # the signed-in header's counts (imports the packages it counts)
    metrics.collect_at_scrape("outbox", outbox.gauges)


def _register_cli(app: Flask) -> None:
    from pb.commands import cli

    app.cli.add_command(cli)
