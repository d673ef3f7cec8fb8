"""Deny by default: every endpoint must be listed here with the roles that may reach it.

One `before_request` hook checks the table, so a new route nobody listed is closed (403) rather
than open. Object-level rules (a councillor's own wards, a citizen's own proposal) are checked by
the services on top of this, and a test walks `app.url_map` against this table.
"""

from __future__ import annotations

from flask import Flask, abort, request
from flask_login import current_user

from pb.accounts.models import Role
from pb.extensions import login_manager

PUBLIC: frozenset[Role] = frozenset()  # marker: no sign-in needed
ANY_ROLE = frozenset(Role)
STAFF = frozenset({Role.COUNCILLOR, Role.OFFICER, Role.POLL_CLERK, Role.AUDITOR, Role.ADMIN})
CITIZEN = frozenset({Role.CITIZEN})
COUNCILLOR = frozenset({Role.COUNCILLOR})
OFFICER = frozenset({Role.OFFICER})
AUDITOR = frozenset({Role.AUDITOR})
ADMIN = frozenset({Role.ADMIN})
CLERK = frozenset({Role.POLL_CLERK})
# Who may see a round's results before they are published (to check them).
RESULT_CHECKERS = frozenset({Role.COUNCILLOR, Role.AUDITOR})
# Moderate deliberation in their wards (the service checks the ward).
MODERATORS = frozenset({Role.COUNCILLOR, Role.OFFICER})
# May comment (residents; the ward's councillors and officers answer questions).
COMMENTERS = frozenset({Role.CITIZEN, Role.COUNCILLOR, Role.OFFICER})
# Key paper ballots after the close and reconcile them (the service checks the round's wards);
# the poll clerk role joins at merge (issue 11, item 4).
PAPER_CLERKS = frozenset({Role.OFFICER, Role.POLL_CLERK})

POLICY: dict[str, frozenset[Role]] = {
    "static": PUBLIC,
    # public pages
    "public.home": PUBLIC,
    "public.round": PUBLIC,
    "public.project": PUBLIC,
    "public.set_language": PUBLIC,
    "results.show": PUBLIC,  # the service hides unpublished results from the public
    "results.why": PUBLIC,  # same policy as results; reads no ballot, stores nothing
    "compare.round_page": PUBLIC,  # same policy as results (results.services.visible_to)
    "compare.round_csv": PUBLIC,
    "compare.upload": PUBLIC,
    "compare.rules": PUBLIC,  # any pabulib file: read in memory, never stored
    "proposals.index": PUBLIC,
    # accounts
    "accounts.register": PUBLIC,
    "accounts.login": PUBLIC,
    "accounts.logout": ANY_ROLE,
    "accounts.profile": ANY_ROLE,
    "accounts.change_password": ANY_ROLE,
    "accounts.sign_out_everywhere": ANY_ROLE,
    "accounts.verify_email": PUBLIC,  # the signed link is the credential
    "accounts.resend_verification": ANY_ROLE,
    "accounts.reset_request": PUBLIC,
    "accounts.reset_password": PUBLIC,  # the signed link is the credential
    # citizens
    "proposals.new": CITIZEN,
    "proposals.edit": CITIZEN,
    "proposals.mine": CITIZEN,
    "eligibility.verify": CITIZEN,
    "voting.ballot": CITIZEN,
    "voting.review": CITIZEN,
    "voting.cast": CITIZEN,
    "voting.receipt": CITIZEN,
    # officers
    "proposals.review_queue": OFFICER,
    "proposals.review": OFFICER,
    "proposals.conflicts": OFFICER,
    # the census register: an admin for every ward, an officer for theirs (the view checks)
    "eligibility.upload": frozenset({Role.OFFICER, Role.ADMIN}),
    # access codes: issued and revoked by an officer for their wards, an admin for any (the
    # view checks); typed by anyone with a letter, no account needed (the code is the credential)
    "codes.issue": frozenset({Role.OFFICER, Role.ADMIN}),
    "codes.revoke": frozenset({Role.OFFICER, Role.ADMIN}),
    "codes.enter": PUBLIC,
    "codes.ballot": PUBLIC,
    "codes.review": PUBLIC,
    "codes.cast": PUBLIC,
    "proposals.note": OFFICER,
    # polling stations (issue 11): a poll clerk of the round's wards (the services check the
    # ward, the phase and the method); a kiosk is the clerk's own session in kiosk mode
    "station.index": CLERK,
    "station.station": CLERK,
    "station.open_kiosk": CLERK,
    "station.release": CLERK,
    "kiosk.screen": CLERK,
    "kiosk.ballot": CLERK,
    "kiosk.review": CLERK,
    "kiosk.cast": CLERK,
    "kiosk.decline": CLERK,
    "kiosk.leave": CLERK,
    # councillors
    "rounds.index": COUNCILLOR,
    "rounds.new": COUNCILLOR,
    "rounds.edit": COUNCILLOR,
    "rounds.show": COUNCILLOR,
    "rounds.advance": COUNCILLOR,
    "rounds.extend_voting": COUNCILLOR,
    "rounds.end_voting": COUNCILLOR,
    "results.decide_tie": COUNCILLOR,  # the service checks the wards, the phase and the tie
    "content.round_translations": COUNCILLOR,  # the service checks the councillor's wards
    # auditors
    "audit.log": AUDITOR,
    "audit.log_csv": AUDITOR,
    "audit.chain": AUDITOR,
    # transparency (issue 4): public pages; anything derived from the votes (board contents,
    # the bundle) is gated by pb.results.services.visible_to in the services
    "transparency.index": PUBLIC,
    "transparency.checkpoints_json": PUBLIC,
    "transparency.round_page": PUBLIC,
    "transparency.board": PUBLIC,
    "transparency.bundle": PUBLIC,
    "transparency.config": PUBLIC,
    # admins
    "admin.index": ADMIN,
    "admin.users": ADMIN,
    "admin.user": ADMIN,
    "admin.user_create": ADMIN,
    "admin.user_active": ADMIN,
    "admin.wards_index": ADMIN,
    "admin.ward_edit": ADMIN,
    "admin.postcodes": ADMIN,
    "admin.postcodes_apply": ADMIN,
    # deliberation (issue 6): reading is public; the services check wards and authorship
    "deliberation.search_page": PUBLIC,
    "deliberation.history": PUBLIC,
    "deliberation.amendment": PUBLIC,
    "deliberation.comment_create": COMMENTERS,
    "deliberation.comment_edit": COMMENTERS,
    "deliberation.comment_delete": COMMENTERS,
    "deliberation.comment_react": COMMENTERS,
    "deliberation.support": CITIZEN,
    "deliberation.withdraw_support": CITIZEN,
    "deliberation.amendment_new": CITIZEN,
    "deliberation.amendment_decide": CITIZEN,
    "deliberation.report_proposal": CITIZEN,
    "deliberation.report_comment": CITIZEN,
    "deliberation.moderation_queue": MODERATORS,
    "deliberation.moderation_hide": MODERATORS,
    "deliberation.moderation_restore": MODERATORS,
    "deliberation.moderation_dismiss": MODERATORS,
    "deliberation.merge": OFFICER,
    "deliberation.notifications_list": ANY_ROLE,
    "deliberation.notifications_read": ANY_ROLE,
    # operations: probes for load balancers (yes or no only); metrics answer only the bearer
    # of METRICS_TOKEN (the view checks it; 404 to anyone else); the outbox page is for
    # development only (404 in production)
    "ops.healthz": PUBLIC,
    "ops.readyz": PUBLIC,
    "ops.prometheus": PUBLIC,
    "mail.outbox_page": ADMIN,
    # CSV downloads (issue 17): the services apply the visibility of the page each comes from
    "exports.proposals": frozenset({Role.COUNCILLOR, Role.OFFICER, Role.AUDITOR}),
    "exports.participation": frozenset({Role.COUNCILLOR, Role.OFFICER, Role.AUDITOR}),
    "exports.results": PUBLIC,  # pb.results.services.visible_to, like the results page
    "exports.comments": MODERATORS,
    # uploaded images (pb/media): every stored image is public (delivery photos, proposal images)
    "media.show": PUBLIC,
    # following (pb/following): anyone signed in follows what they choose; their own notices
    "following.follow": ANY_ROLE,
    "following.unfollow": ANY_ROLE,
    "following.index": ANY_ROLE,
    "following.read": ANY_ROLE,
    "following.email_choice": ANY_ROLE,
    # delivery of funded projects (pb/delivery): public pages; officers of the project's ward
    # edit (the service checks the ward)
    "delivery.show": PUBLIC,
    "delivery.index": OFFICER,
    "delivery.manage": OFFICER,
    "delivery.status": OFFICER,
    "delivery.progress": OFFICER,
    "delivery.milestone_add": OFFICER,
    "delivery.milestone_done": OFFICER,
    "delivery.update_post": OFFICER,
    # volunteering (issue 18): residents' skills and pledges; officers of the project's ward
    # post tasks and confirm hours (the services check the ward)
    "volunteering.skills": CITIZEN,
    "volunteering.withdraw": CITIZEN,
    "volunteering.mine": CITIZEN,
    "volunteering.task": PUBLIC,
    "volunteering.task_poster": PUBLIC,
    "volunteering.pledge": CITIZEN,
    "volunteering.task_new": OFFICER,
    "volunteering.officer_index": OFFICER,
    "volunteering.manage_task": OFFICER,
    "volunteering.safeguarding": OFFICER,
    "volunteering.hours": OFFICER,
    "volunteering.reverse": OFFICER,
    # the ward register and focus (issue 18): residents suggest, officers of the ward approve,
    # councillors of the ward set the focus; posters of public pages are public
    "community.register": PUBLIC,
    "community.suggest": CITIZEN,
    "community.queue": OFFICER,
    "community.focus": COUNCILLOR,
    "community.round_poster": PUBLIC,
    "community.project_poster": PUBLIC,
    # paper ballots (issue 11, item 5): double entry, reconciliation, completion
    "paper.rounds": PAPER_CLERKS,
    "paper.index": PAPER_CLERKS,
    "paper.open_batch": PAPER_CLERKS,
    "paper.batch": PAPER_CLERKS,
    "paper.enter": PAPER_CLERKS,
    "paper.resolve": PAPER_CLERKS,
    "paper.complete": PAPER_CLERKS,
    # co-assessment (issue 15): the services check the ward, the window and the inspector
    "assessment.project": PUBLIC,  # figures only from k raters, comments and reports unnamed
    "assessment.settings": COUNCILLOR,
    "assessment.rate": CITIZEN,
    "assessment.invitations": CITIZEN,
    "assessment.volunteer": CITIZEN,
    "assessment.manage": MODERATORS,
    "assessment.assign": OFFICER,
    "assessment.hide_comment": MODERATORS,
    "assessment.report_comment": CITIZEN,
    "assessment.inspect": CITIZEN,
    "assessment.respond": OFFICER,
    # the outcomes report (issue 18, Grow it): public once the round is published (the service
    # answers 404 before); a ward's report holds only published rounds
    "outcomes.round_report": PUBLIC,
    "outcomes.round_csv": PUBLIC,
    "outcomes.ward_report": PUBLIC,
    "outcomes.ward_csv": PUBLIC,
    # JSON API (read-only, public data only)
    "api.rounds_index": PUBLIC,
    "api.round_detail": PUBLIC,
    "api.round_results": PUBLIC,
    "api.docs": PUBLIC,  # the OpenAPI document as a page
    "api-docs.openapi_json": PUBLIC,
    # /api/v1 (documented, paged, ETags): anything from the votes asks results.visible_to
    "api_v1.rounds_index": PUBLIC,
    "api_v1.round_detail": PUBLIC,
    "api_v1.projects_index": PUBLIC,
    "api_v1.project_detail": PUBLIC,
    "api_v1.results": PUBLIC,
    "api_v1.why": PUBLIC,
    "api_v1.participation": PUBLIC,
    "api_v1.checkpoints": PUBLIC,
    "api_v1.round_outcomes": PUBLIC,  # like outcomes.round_report
    "api_v1.ward_outcomes": PUBLIC,
}


def allowed_roles(endpoint: str) -> frozenset[Role] | None:
    return POLICY.get(endpoint)


def init_app(app: Flask) -> None:
    @app.before_request
    def _enforce_policy():  # type: ignore[no-untyped-def]
        endpoint = request.endpoint
        if endpoint is None:  # no route matched: let routing answer 404/405
            return None
        allowed = allowed_roles(endpoint)
        if allowed is None:
            abort(403)
        if allowed is PUBLIC:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role not in allowed:
            abort(403)
        return None


def policy_table(app: Flask) -> str:
    """Every route with its methods and the roles allowed, as Markdown (docs/routes.md)."""
    lines = [
        "| URL | methods | endpoint | who may use it |",
        "| --- | --- | --- | --- |",
    ]
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))
    for rule in rules:
        allowed = POLICY.get(rule.endpoint)
        if allowed is None:
            who = "nobody (not in the policy)"
        elif allowed is PUBLIC:
            who = "everyone"
        elif allowed == ANY_ROLE:
            who = "any signed-in user"
        else:
            who = ", ".join(role.value for role in Role if role in allowed)
        methods = ", ".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        lines.append(f"| `{rule.rule}` | {methods} | `{rule.endpoint}` | {who} |")
    return "\n".join(lines) + "\n"
