"""What the audit log's codes mean in words, for the auditor's page and its CSV.

The codes themselves stay in the chain (they are hashed and published); these labels only
translate them for people. An action without a label is shown as its code.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "log.genesis": _l("Audit log started"),
    "account.activated": _l("Account activated"),
    "account.deactivated": _l("Account deactivated"),
    "account.created": _l("Staff account created"),
    "account.invited": _l("Staff invitation e-mailed"),
    "account.registered": _l("Resident registered"),
    "account.language_set": _l("Language chosen"),
    "account.password_changed": _l("Password changed"),
    "account.password_reset": _l("Password reset by e-mail link"),
    "account.email_verified": _l("E-mail address confirmed"),
    "census.uploaded": _l("Census register uploaded"),
    "census.purged": _l("Census register deleted after its retention"),
    "assessment.settings_saved": _l("Assessment questions and settings saved"),
    "assessment.opened": _l("Project opened to residents' rating"),
    "assessment.rated": _l("Delivered project rated"),
    "assessment.rating_changed": _l("Rating of a delivered project changed"),
    "assessment.comment_hidden": _l("Rating comment hidden by moderation"),
    "assessment.aggregated": _l("Rating figures recomputed"),
    "inspection.offered": _l("Resident offered to inspect a project"),
    "inspection.assigned": _l("Resident inspector assigned"),
    "inspection.filed": _l("Inspection report filed"),
    "inspection.corrected": _l("Inspection report corrected"),
    "inspection.responded": _l("Council answered an inspection report"),
    "account.role_granted": _l("Role or wards changed"),
    "account.signed_out_everywhere": _l("Signed out everywhere"),
    "login.failed": _l("Failed sign-in"),
    "ward.created": _l("Ward created"),
    "ward.edited": _l("Ward edited"),
    "postcodes.imported": _l("Postcode list imported"),
    "round.created": _l("Round created"),
    "round.edited": _l("Round edited"),
    "round.frozen": _l("Round configuration frozen"),
    "round.amended": _l("Frozen round configuration amended (voting extended or ended early)"),
    "round.phase_changed": _l("Round moved to another phase"),
    "round.sealed": _l("Ballots sealed at close (receipts listed apart)"),
    "round.tallied": _l("Votes counted"),
    "round.tie_decided": _l("Tie decided by the council"),
    "round.results_published": _l("Results published"),
    "round.translations_saved": _l("Round translations saved"),
    "round.conflict_declared": _l("Conflicting proposals declared"),
    "round.conflict_withdrawn": _l("Conflict between proposals withdrawn"),
    "proposal.submitted": _l("Proposal submitted"),
    "proposal.edited": _l("Proposal edited"),
    "proposal.reviewed": _l("Proposal reviewed"),
    "proposal.note_updated": _l("Internal note changed"),
    "proposal.merged": _l("Proposals merged"),
    "proposal.rewritten_on_merge": _l("Proposal rewritten on merging"),
    "proposal.not_shortlisted": _l("Proposal did not reach the support threshold"),
    "support.added": _l("Support given"),
    "support.withdrawn": _l("Support withdrawn"),
    "amendment.proposed": _l("Amendment proposed"),
    "amendment.accepted": _l("Amendment accepted"),
    "amendment.rejected": _l("Amendment rejected"),
    "amendment.closed": _l("Amendment closed"),
    "comment.posted": _l("Comment posted"),
    "comment.edited": _l("Comment edited"),
    "comment.deleted": _l("Comment deleted"),
    "comment.reacted": _l("Reaction to a comment"),
    "moderation.reported": _l("Content reported"),
    "moderation.hidden": _l("Content hidden by moderation"),
    "moderation.restored": _l("Content restored by moderation"),
    "moderation.dismissed": _l("Report dismissed"),
    "notifications.read": _l("Notifications read"),
    "export.downloaded": _l("File with personal data downloaded"),
    "media.stored": _l("Image uploaded"),
    "follow.started": _l("Started following"),
    "follow.stopped": _l("Stopped following"),
    "delivery.planned": _l("Delivery plan created for a funded project"),
    "delivery.status_changed": _l("Delivery status changed"),
    "delivery.progress_updated": _l("Delivery progress or spending updated"),
    "delivery.milestone_added": _l("Delivery milestone added"),
    "delivery.milestone_reached": _l("Delivery milestone reached"),
    "delivery.update_posted": _l("Delivery update published"),
    "volunteering.skills_saved": _l("Skills offered (with consent)"),
    "volunteering.consent_withdrawn": _l("Consent withdrawn: skills deleted"),
    "volunteering.task_posted": _l("Volunteer task posted"),
    "volunteering.pledged": _l("Time pledged to a volunteer task"),
    "volunteering.safeguarding_confirmed": _l("Safeguarding check confirmed by an officer"),
    "volunteering.hours_confirmed": _l("Volunteer hours confirmed (time credits)"),
    "volunteering.hours_reversed": _l("Volunteer hours reversed (correction)"),
    "community.suggested": _l("Register entry suggested"),
    "community.approved": _l("Register entry approved"),
    "community.rejected": _l("Register entry rejected"),
    "community.focus_set": _l("Ward focus set"),
}

# Data fields that hold money in minor units (pence, grosze): shown as amounts.
MONEY_FIELDS = frozenset({"budget", "cost", "spent", "estimated_cost", "final_cost", "total_cost"})


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code
