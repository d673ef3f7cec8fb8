"""The exact outcome of every endpoint × role × phase cell of the access matrix.

tests/test_access.py requests every route as a visitor and as each role, in a round of every
phase where the route is about a round (`tests/access_world.py`), and compares each response
with this table. Roles that pb/access.py POLICY does not allow are refused before any view
runs: 403, or the sign-in page for a visitor; the table says what the *allowed* roles get.

Adding a route: list it in POLICY, then add one line below, e.g.

    "things.show": Expect(200, phases={Phase.DRAFT: 404}),

Outcomes are a status code, or LOGIN (sent to sign in). A POST is sent with an empty form, so
its outcome is usually the form's refusal (422, 400) or the state check (409): it proves the
role got past the policy to the view. `phases` and `roles` override `default`; a role's entry
may itself be an Expect by phase. `last=True` runs the cell after the others of its phase, for
actions that change what other cells would see (deleting, signing out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pb.accounts.models import Role
from pb.rounds.models import Phase

LOGIN = "login"
Outcome = int | str

COUNCILLOR, OFFICER, AUDITOR, CITIZEN = Role.COUNCILLOR, Role.OFFICER, Role.AUDITOR, Role.CITIZEN
DRAFT, PROPOSALS, DELIBERATION, REVIEW = (
    Phase.DRAFT,
    Phase.PROPOSALS,
    Phase.DELIBERATION,
    Phase.REVIEW,
)
VOTING, CLOSED, PUBLISHED = Phase.VOTING, Phase.CLOSED, Phase.PUBLISHED
BEFORE_VOTING = (PROPOSALS, DELIBERATION, REVIEW)


@dataclass(frozen=True)
class Expect:
    default: Outcome = 200
    phases: Mapping[Phase, Outcome] = field(default_factory=dict)
    roles: Mapping[Role | None, Outcome | Expect] = field(default_factory=dict)
    last: bool = False

    def outcome(self, role: Role | None, phase: Phase) -> Outcome:
        for_role = self.roles.get(role)
        if isinstance(for_role, Expect):
            return for_role.outcome(role, phase)
        if for_role is not None:
            return for_role
        return self.phases.get(phase, self.default)


def only_in(outcome: Outcome, phases: tuple[Phase, ...], otherwise: Outcome) -> Expect:
    return Expect(otherwise, {phase: outcome for phase in phases})


# A round's public pages: hidden while it is a draft, except from its own ward's councillor.
ROUND_PAGE = Expect(200, {DRAFT: 404}, {COUNCILLOR: 200})
# Anything derived from the votes: public once published; councillors and auditors check it
# from the close (pb.results.services.visible_to).
RESULTS = Expect(
    404,
    {PUBLISHED: 200},
    {
        COUNCILLOR: only_in(200, (CLOSED, PUBLISHED), 404),
        AUDITOR: only_in(200, (CLOSED, PUBLISHED), 404),
    },
)
# Comments: their author may edit and delete them; to anyone else they are not there.
AUTHOR_ONLY = {COUNCILLOR: 404, OFFICER: 404}

EXPECTED: dict[str, Expect] = {
    "static": Expect(),
    # public pages
    "public.home": Expect(),
    "public.round": ROUND_PAGE,
    "public.project": Expect(),
    "public.set_language": Expect(302),
    "results.show": RESULTS,
    "proposals.index": ROUND_PAGE,
    # accounts
    "accounts.register": Expect(),
    "accounts.login": Expect(),
    "accounts.logout": Expect(302, last=True),
    "accounts.profile": Expect(),
    "accounts.change_password": Expect(),
    "accounts.sign_out_everywhere": Expect(302, last=True),
    "accounts.verify_email": Expect(400),
    "accounts.resend_verification": Expect(302),
    "accounts.reset_request": Expect(),
    "accounts.reset_password": Expect(400),
    "eligibility.verify": Expect(),
    "eligibility.upload": Expect(),
    # access codes: the officer of the round's ward (an admin: any) in every phase; anyone with
    # a letter types a code (an empty one is refused by its format, before any lookup)
    "codes.issue": Expect(),
    "codes.revoke": Expect(422),
    "codes.enter": Expect(),
    "codes.ballot": Expect(422),
    "codes.review": Expect(422),
    "codes.cast": Expect(422),
    # citizens (the matrix citizen wrote every proposal)
    # told on arrival when proposals are not open (the form is shown only while they are)
    "proposals.new": Expect(409, {DRAFT: 404, PROPOSALS: 200}),
    "proposals.edit": Expect(409, {PROPOSALS: 200}),
    "proposals.mine": Expect(),
    "voting.ballot": Expect(200, {DRAFT: 404}),
    "voting.review": Expect(422, {DRAFT: 404}),
    "voting.cast": Expect(409, {DRAFT: 404, VOTING: 422}),
    "voting.receipt": Expect(200, {DRAFT: 404}),
    # officers
    "proposals.review_queue": Expect(),
    "proposals.review": Expect(),
    "proposals.conflicts": Expect(),
    "proposals.note": Expect(302),
    # poll clerks (of the round's ward; the matrix round takes votes in person): a station is
    # open only while voting is; opening a kiosk turns the clerk's session into one (last)
    "station.index": Expect(),
    "station.station": only_in(200, (VOTING,), 409),
    "station.open_kiosk": Expect(409, {VOTING: 302}, last=True),
    "station.release": only_in(422, (VOTING,), 409),
    # the kiosk pages answer only a session in kiosk mode: the matrix clerk's is not one
    "kiosk.screen": Expect(302),
    "kiosk.ballot": Expect(404),
    "kiosk.review": Expect(404),
    "kiosk.cast": Expect(404),
    "kiosk.decline": Expect(404),
    "kiosk.leave": Expect(404),
    # paper ballots (officers of the round's wards); empty forms are refused, completing a
    # round nobody was handed a ballot paper in is a state conflict
    "paper.rounds": Expect(),
    "paper.index": Expect(),
    "paper.open_batch": Expect(422),
    "paper.batch": Expect(),
    "paper.enter": Expect(422),
    "paper.resolve": Expect(422),
    "paper.complete": Expect(409),
    # councillors (of the round's ward)
    "rounds.index": Expect(),
    "rounds.new": Expect(),
    "rounds.edit": Expect(409, {DRAFT: 200, **{phase: 200 for phase in BEFORE_VOTING}}),
    "rounds.show": Expect(),
    "rounds.advance": Expect(409),
    # an empty form during voting; a state refusal in every other phase
    "rounds.extend_voting": Expect(409, {VOTING: 422}),
    "rounds.end_voting": Expect(409, {VOTING: 422}),
    "results.decide_tie": Expect(422),  # an empty form; the phase is checked after it
    "content.round_translations": Expect(),
    # auditors
    "audit.log": Expect(),
    "audit.log_csv": Expect(),
    "audit.chain": Expect(),
    # transparency
    "transparency.index": Expect(),
    "transparency.checkpoints_json": Expect(),
    "transparency.round_page": ROUND_PAGE,
    "transparency.board": ROUND_PAGE,
    "transparency.bundle": RESULTS,
    "results.why": RESULTS,
    "compare.round_page": RESULTS,
    "compare.round_csv": RESULTS,
    "compare.upload": Expect(),
    "compare.rules": Expect(),
    "transparency.config": only_in(200, (VOTING, CLOSED, PUBLISHED), 404),
    # admins
    "admin.index": Expect(),
    "admin.users": Expect(),
    "admin.user": Expect(),
    "admin.user_create": Expect(422),
    "admin.user_active": Expect(400),
    "admin.wards_index": Expect(),
    "admin.ward_edit": Expect(),
    "admin.postcodes": Expect(),
    "admin.postcodes_apply": Expect(400),
    # deliberation
    "deliberation.search_page": Expect(),
    "deliberation.history": Expect(),
    "deliberation.amendment": Expect(),
    "deliberation.comment_create": Expect(422),
    "deliberation.comment_edit": Expect(200, roles=AUTHOR_ONLY),
    "deliberation.comment_delete": Expect(302, roles=AUTHOR_ONLY, last=True),
    "deliberation.comment_react": Expect(422),
    "deliberation.support": only_in(302, (PROPOSALS, DELIBERATION), 409),
    "deliberation.withdraw_support": only_in(302, (PROPOSALS, DELIBERATION), 409),
    "deliberation.amendment_new": Expect(409),
    "deliberation.amendment_decide": Expect(422),
    "deliberation.report_proposal": Expect(),
    "deliberation.report_comment": Expect(),
    "deliberation.moderation_queue": Expect(),
    "deliberation.moderation_hide": Expect(422),
    "deliberation.moderation_restore": Expect(422),
    # the ward's councillor dismisses the report; the officer then finds it already decided
    "deliberation.moderation_dismiss": Expect(302, roles={OFFICER: 409}, last=True),
    "deliberation.merge": Expect(200, {DRAFT: 404}),
    "deliberation.notifications_list": Expect(),
    "deliberation.notifications_read": Expect(302),
    # operations: probes answer everyone; /metrics answers only METRICS_TOKEN's bearer (none is
    # configured here); the development outbox is the admin's
    "ops.healthz": Expect(),
    "ops.readyz": Expect(),
    "ops.prometheus": Expect(404),
    "mail.outbox_page": Expect(),
    # CSV downloads: staff files for the round's staff and auditors in every phase; results as
    # the results page; comments for the ward's moderators
    "exports.proposals": Expect(),
    "exports.participation": Expect(),
    "exports.results": RESULTS,
    "exports.comments": Expect(),
    # volunteering: tasks are posted only on funded projects (409 before); the form cells are
    # sent empty (422), except pledging and withdrawing consent, which need no field (302)
    "volunteering.skills": Expect(),
    "volunteering.withdraw": Expect(302),
    "volunteering.mine": Expect(),
    "volunteering.task": Expect(),
    "volunteering.task_poster": Expect(),
    "volunteering.pledge": Expect(302),
    "volunteering.task_new": Expect(409, {PUBLISHED: 200}),
    "volunteering.officer_index": Expect(),
    "volunteering.manage_task": Expect(),
    "volunteering.safeguarding": Expect(422),
    "volunteering.hours": Expect(422),
    "volunteering.reverse": Expect(422),
    # the ward register and focus; posters of rounds past their draft and of funded projects
    "community.register": Expect(),
    "community.suggest": Expect(),
    "community.queue": Expect(),
    "community.focus": Expect(),
    "community.round_poster": Expect(200, {DRAFT: 404}),
    "community.project_poster": Expect(404, {PUBLISHED: 200}),
    # co-assessment: a project of the published round is open to rating (tests/access_world.py);
    # in other phases there is no assessment to name (404) or no rating/inspection at all
    "assessment.project": only_in(200, (PUBLISHED,), 404),
    "assessment.settings": Expect(),
    "assessment.rate": only_in(200, (PUBLISHED,), 404),
    "assessment.invitations": Expect(),
    "assessment.volunteer": only_in(409, (PUBLISHED,), 404),  # the citizen already inspects it
    "assessment.manage": only_in(200, (PUBLISHED,), 404),
    "assessment.assign": only_in(422, (PUBLISHED,), 404),
    "assessment.hide_comment": Expect(422),
    "assessment.report_comment": Expect(422),
    "assessment.inspect": Expect(200),
    "assessment.respond": Expect(422),
    # the outcomes report: nothing before publication, for anyone; a ward's, always
    "outcomes.round_report": only_in(200, (PUBLISHED,), 404),
    "outcomes.round_csv": only_in(200, (PUBLISHED,), 404),
    "outcomes.ward_report": Expect(),
    "outcomes.ward_csv": Expect(),
    # JSON API
    "api.rounds_index": Expect(),
    "api.round_detail": ROUND_PAGE,
    "api.round_results": RESULTS,
    "media.show": Expect(),
    # following: only a funded project can be followed; stopping always answers the same
    "following.follow": only_in(302, (PUBLISHED,), 404),
    "following.unfollow": Expect(302),
    "following.index": Expect(),
    "following.read": Expect(302),
    "following.email_choice": Expect(422),  # an empty choice is refused
    # delivery: a funded project's plan exists once its round is published; an empty form is
    # refused (422) once the officer of the ward reached it
    "delivery.show": only_in(200, (PUBLISHED,), 404),
    "delivery.index": Expect(),
    "delivery.manage": only_in(200, (PUBLISHED,), 404),
    "delivery.status": only_in(422, (PUBLISHED,), 404),
    "delivery.progress": only_in(422, (PUBLISHED,), 404),
    "delivery.milestone_add": only_in(422, (PUBLISHED,), 404),
    "delivery.milestone_done": only_in(422, (PUBLISHED,), 404),
    "delivery.update_post": only_in(422, (PUBLISHED,), 404),
    "api.docs": Expect(),
    "api-docs.openapi_json": Expect(),
    "api_v1.rounds_index": Expect(),
    "api_v1.round_detail": ROUND_PAGE,
    "api_v1.projects_index": ROUND_PAGE,
    "api_v1.project_detail": ROUND_PAGE,
    "api_v1.results": RESULTS,
    "api_v1.why": RESULTS,
    "api_v1.participation": RESULTS,
    "api_v1.checkpoints": Expect(),
    "api_v1.round_outcomes": only_in(200, (PUBLISHED,), 404),
    "api_v1.ward_outcomes": Expect(),
}
