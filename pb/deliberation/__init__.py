"""Deliberation and co-design before the vote: comments, supports, amendments, merging,
moderation, notifications and search (issue 6). See docs/deliberation.md."""
