"""Light formatting for what residents type: paragraphs, line breaks, lists, emphasis and links.

The text is parsed as a tiny Markdown subset with raw HTML switched off (so any tag typed is shown
as text), then the HTML is cleaned by nh3 against a short allow-list: no attributes but `href`,
only http(s)/mailto links, `rel="nofollow ugc noopener noreferrer"` on every link. Templates mark
the result safe only through `render()`; nothing else a user typed ever reaches `|safe`.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset({"p", "br", "em", "strong", "ul", "ol", "li", "a"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener noreferrer"

# "zero" enables only paragraphs and text; everything else is opted into by name. html=False
# means "<script>" is text, and markdown-it refuses javascript:/vbscript:/data: link targets.
_parser = MarkdownIt("zero", {"html": False, "linkify": True, "breaks": True}).enable(
    ["emphasis", "list", "link", "linkify", "newline", "autolink"]
)


def render(text: str) -> Markup:
    """Sanitised HTML for a comment, safe to insert into a page."""
    html = _parser.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
    )
    return Markup(cleaned)  # cleaned by nh3 against the allow-list above
