"""Comments: threads two levels deep, edits within a window, deletion, agree/disagree, sorting."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from pb.accounts.models import User
from pb.audit import services as audit
from pb.audit.chain import sha256_hex
from pb.db import added_once, utcnow
from pb.deliberation import follows, policy
from pb.deliberation.models import Comment, CommentReaction, NotificationKind
from pb.deliberation.notifications import notify
from pb.errors import Conflict, InvalidInput, NotFound
from pb.extensions import db
from pb.proposals.models import Proposal

MAX_LENGTH = 5000
# Allow-listed orders for top-level comments; replies always read oldest first.
SORTS = ("newest", "oldest", "agreed")


@dataclass
class CommentView:
    comment: Comment
    agree: int = 0
    disagree: int = 0
    mine: int = 0  # the reader's reaction: 1, -1 or 0
    can_edit: bool = False
    can_delete: bool = False
    replies: list[CommentView] = field(default_factory=list)


def get_comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_("No such comment."))
    return comment


def post(proposal: Proposal, author: User, body: str, *, parent_id: int | None = None) -> Comment:
    """Add a comment, or a reply (a reply to a reply joins its thread, two levels at most)."""
    policy.check_discussion_open(author, proposal)
    policy.check_not_hidden(proposal)
    body = _clean(body)
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.proposal_id != proposal.id:
            raise InvalidInput(_("The comment you replied to is not on this proposal."))
        if parent.is_deleted or parent.is_hidden:
            raise Conflict(_("You cannot reply to a deleted or hidden comment."))
    root = parent.parent if parent is not None and parent.parent is not None else parent
    comment = Comment(
        proposal_id=proposal.id,
        author_id=author.id,
        parent_id=root.id if root else None,
        body=body,
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    audit.record(
        "comment.posted",
        comment,
        {
            "proposal_id": proposal.id,
            "parent_id": comment.parent_id,
            "body_sha256": sha256_hex(body),
        },
        actor=author,
    )
    replied_to = {parent.author_id, root.author_id if root else None} if parent else set()
    follows.commented(proposal, comment, author, told=replied_to)
    if parent is not None:
        notify(
            replied_to,
            NotificationKind.COMMENT_REPLY,
            actor=author,
            round_id=proposal.round_id,
            proposal_id=proposal.id,
            comment_id=comment.id,
            data={"name": author.display_name, "title": proposal.title},
        )
    return comment


def edit_window() -> timedelta:
    return timedelta(minutes=current_app.config["COMMENT_EDIT_MINUTES"])


def can_edit(comment: Comment, user: User | None, now: datetime | None = None) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and comment.author_id == user.id
        and not comment.is_deleted
        and not comment.is_hidden
        and (now or utcnow()) < comment.created_at + edit_window()
    )


def edit_check(comment: Comment, author: User, now: datetime | None = None) -> None:
    """Refuse unless `author` wrote the comment and is still within the edit window."""
    if comment.author_id != author.id:  # like another ward's proposal to an officer: not yours
        raise NotFound(_("You have no such comment."))
    if comment.is_deleted or comment.is_hidden:
        raise Conflict(_("This comment can no longer be edited."))
    if not can_edit(comment, author, now):
        raise Conflict(
            _(
                "Comments can only be edited for %(minutes)d minutes after posting.",
                minutes=current_app.config["COMMENT_EDIT_MINUTES"],
            )
        )


def edit(comment: Comment, author: User, body: str, *, now: datetime | None = None) -> None:
    edit_check(comment, author, now)
    body = _clean(body)
    if body == comment.body:
        return
    comment.body = body
    comment.edited_at = now or utcnow()
    db.session.flush()
    audit.record("comment.edited", comment, {"body_sha256": sha256_hex(body)}, actor=author)


def delete(comment: Comment, author: User) -> bool:
    """Delete your comment; with replies it stays as a "deleted" placeholder. True if removed."""
    if comment.author_id != author.id:
        raise NotFound(_("You have no such comment."))
    if comment.is_deleted:
        return False
    has_replies = db.session.scalar(
        select(func.count(Comment.id)).where(Comment.parent_id == comment.id)
    )
    audit.record("comment.deleted", comment, {"placeholder": bool(has_replies)}, actor=author)
    if has_replies:
        comment.body = ""
        comment.deleted_at = utcnow()
        db.session.flush()
        return False
    db.session.delete(comment)
    db.session.flush()
    return True


def react(comment: Comment, user: User, value: int) -> int:
    """Agree (1) or disagree (-1); the same choice again takes it back. Returns the new value."""
    if value not in (1, -1):
        raise InvalidInput(_("Choose agree or disagree."))
    policy.check_discussion_open(user, comment.proposal)
    if comment.author_id == user.id:
        raise Conflict(_("You cannot agree or disagree with your own comment."))
    if comment.is_deleted or comment.is_hidden:
        raise Conflict(_("This comment was removed."))
    existing = db.session.get(CommentReaction, (comment.id, user.id))
    if existing is not None and existing.value == value:
        db.session.delete(existing)
        new_value = 0
    elif existing is not None:
        existing.value = value
        new_value = value
    else:
        reaction = CommentReaction(comment_id=comment.id, user_id=user.id, value=value)
        if not added_once(reaction):  # the same click twice at once: the first one counts
            raise Conflict(_("Your reaction was already recorded."))
        new_value = value
    db.session.flush()
    audit.record("comment.reacted", comment, {"value": new_value}, actor=user)
    return new_value


def thread(proposal: Proposal, sort: str, reader: User | None) -> list[CommentView]:
    """The comments on a proposal as threads, top level in the chosen order."""
    if sort not in SORTS:
        sort = SORTS[0]
    comments = list(
        db.session.scalars(
            select(Comment).where(Comment.proposal_id == proposal.id).order_by(Comment.id)
        )
    )
    tallies = _tallies(c.id for c in comments)
    mine = _reactions_of(reader, [c.id for c in comments])
    now = utcnow()
    views: dict[int, CommentView] = {}
    for comment in comments:
        agree, disagree = tallies.get(comment.id, (0, 0))
        views[comment.id] = CommentView(
            comment,
            agree,
            disagree,
            mine.get(comment.id, 0),
            can_edit(comment, reader, now),
            bool(reader and reader.is_authenticated and comment.author_id == reader.id)
            and not comment.is_deleted,
        )
    roots: list[CommentView] = []
    for comment in comments:
        view = views[comment.id]
        if comment.parent_id is None:
            roots.append(view)
        elif comment.parent_id in views:
            views[comment.parent_id].replies.append(view)
    if sort == "newest":
        roots.sort(key=lambda v: v.comment.id, reverse=True)
    elif sort == "agreed":
        roots.sort(key=lambda v: (v.agree - v.disagree, v.agree, v.comment.id), reverse=True)
    return roots


def counts(proposal_ids: Iterable[int]) -> dict[int, int]:
    """Visible comments per proposal (deleted and hidden ones not counted)."""
    ids = list(proposal_ids)
    if not ids:
        return {}
    query = (
        select(Comment.proposal_id, func.count(Comment.id))
        .where(
            Comment.proposal_id.in_(ids),
            Comment.deleted_at.is_(None),
            Comment.hidden_at.is_(None),
        )
        .group_by(Comment.proposal_id)
    )
    return {pid: count for pid, count in db.session.execute(query)}


def _tallies(comment_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    ids = list(comment_ids)
    if not ids:
        return {}
    query = (
        select(
            CommentReaction.comment_id,
            func.sum(case((CommentReaction.value > 0, 1), else_=0)),
            func.sum(case((CommentReaction.value < 0, 1), else_=0)),
        )
        .where(CommentReaction.comment_id.in_(ids))
        .group_by(CommentReaction.comment_id)
    )
    return {cid: (int(a or 0), int(d or 0)) for cid, a, d in db.session.execute(query)}


def _reactions_of(reader: User | None, comment_ids: list[int]) -> dict[int, int]:
    if reader is None or not reader.is_authenticated or not comment_ids:
        return {}
    query = select(CommentReaction.comment_id, CommentReaction.value).where(
        CommentReaction.user_id == reader.id, CommentReaction.comment_id.in_(comment_ids)
    )
    return {cid: value for cid, value in db.session.execute(query)}


def _clean(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise InvalidInput(_("Write something first."), field="body")
    if len(body) > MAX_LENGTH:
        raise InvalidInput(_("Keep it under %(count)d characters.", count=MAX_LENGTH), field="body")
    return body


def recent(proposal: Proposal, limit: int = 5) -> list[Comment]:
    """The newest visible comments on a proposal (for the officer's review page)."""
    query = (
        select(Comment)
        .where(
            Comment.proposal_id == proposal.id,
            Comment.deleted_at.is_(None),
            Comment.hidden_at.is_(None),
        )
        .order_by(Comment.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
