"""HTML bodies to plain text, for every helpdesk format that stores messages as HTML.

Keeps paragraph and line breaks (block elements and <br> become newlines), decodes entities,
drops script/style/head content, and collapses the whitespace HTML rendering would collapse.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt fieldset figcaption figure footer form h1 h2 "
    "h3 h4 h5 h6 header hr li main nav ol p pre section table tbody thead tfoot tr ul".split()
)
_DROPPED_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript"})
_TAG_LIKE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_MANY_NEWLINES = re.compile(r"\n{3,}")


class _TextCollector(HTMLParser):
    """Collects text; block boundaries become pending line breaks, written before the next text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropped_depth = 0
        self._pending_breaks = 0

    def _block_boundary(self, tag: str) -> None:
        wanted = 2 if tag in ("p", "blockquote", "pre", "table") else 1
        self._pending_breaks = max(self._pending_breaks, wanted)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_TAGS:
            self._dropped_depth += 1
        elif tag == "br":
            self._pending_breaks += 1
        elif tag in _BLOCK_TAGS:
            self._block_boundary(tag)
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._pending_breaks += 1
        elif tag in _BLOCK_TAGS:
            self._block_boundary(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_TAGS:
            self._dropped_depth = max(0, self._dropped_depth - 1)
        elif tag in _BLOCK_TAGS:
            self._block_boundary(tag)

    def handle_data(self, data: str) -> None:
        if self._dropped_depth:
            return
        # a newline inside HTML text is just a space when rendered; breaks come from tags
        data = data.replace("\r", " ").replace("\n", " ")
        if not data.split():
            self.parts.append(data)
            return
        if self._pending_breaks:
            self.parts.append("\n" * self._pending_breaks)
            self._pending_breaks = 0
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: entities decoded, breaks kept, markup and scripts gone."""
    if not html:
        return ""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    text = "".join(collector.parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def looks_like_html(text: str) -> bool:
    """True when `text` contains tags or entities (so it should go through html_to_text)."""
    return bool(text) and _TAG_LIKE.search(text) is not None


def body_text(html: str | None = None, plain: str | None = None) -> str:
    """The text of a message that a vendor gives as HTML and/or plain text.

    A non-empty plain-text field wins (kept as written, only trimmed); else the HTML is converted.
    """
    if isinstance(plain, str) and plain.strip():
        return plain.strip()
    if isinstance(html, str):
        text = html_to_text(html)
        if not text and re.search(r"<img\b", html, re.IGNORECASE):
            return "[image]"  # an inline picture is still a message the other side saw
        return text
    return ""
