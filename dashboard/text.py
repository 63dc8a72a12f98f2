"""Text from data shown as text: imported names, teams, tags, messages and typed comments never
act as markdown, HTML or a chart's pseudo-HTML.

Streamlit renders markdown in `st.markdown`, `st.caption`, `st.success`/`info`/`warning`/
`error`, toasts, titles, metric labels and values, widget labels and help, expander and tab
labels and radio options; images in it load from any host, links are clickable and `$...$` is
maths. So every value from the database that goes into one of those passes through `plain()`.
`st.text`, `st.code`, `st.dataframe` and selectbox/multiselect options are plain already.
Plotly renders `<a href>`, `<b>`, `<br>`... in legends, axis labels and hover text, so chart
categories from data pass through `chart_label()`.
"""

from __future__ import annotations

import html
import re
from typing import Any

# What makes markdown act, backslash-escaped (CommonMark/GFM: an escaped punctuation character
# is always literal): links and images need `[ ]`, HTML `<`, maths `$`, emphasis and strike
# `* ~` (and `_` at a word's edge: inside snake_case it is inert), code `` ` ``, e-mail
# autolinks `@`, URL autolinks `://` and `www.`, escapes `\`. A leading `#`, `>`, `-`, `+`, `=`,
# `|` or `1.` would make a heading, quote or list of a line. Everything else (`( ) . , : ; ! ?`)
# is inert once those are escaped, so messages read normally in tests and logs.
_ACTIVE = re.compile(r"([\\`*~\[\]<$@])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LEADING = re.compile(r"^(\s*\d*)([#>+\-=|]|(?<=\d)[.)])")
_WWW = re.compile(r"(?i)\b(www)\.")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
# GFM also links URLs and e-mail addresses found in *text* (`http://`, `https://`, `www.`,
# `name@host.tld`), after escapes are resolved: no backslash stops it (a browser walk showed
# links to the host named in an imported subject). An invisible WORD JOINER inside each trigger
# does, and the text still reads the same.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=http)(?=:)|(?<=https)(?=:)|(?<=\bwww)(?=\.)|(?=@)")


def break_autolinks(text: str) -> str:
    """`text` with no URL or e-mail address that markdown would turn into a link."""
    return _AUTOLINK.sub(WORD_JOINER, text)


def _escape(match: re.Match) -> str:
    return "\\" + match.group(0)


def plain(value: Any) -> str:
    """`value` as literal text inside markdown (one line; None shows as a dash)."""
    if value is None:
        return "–"
    text = _ACTIVE.sub(_escape, break_autolinks(_LINE_BREAKS.sub(" ", str(value))))
    text = _WWW.sub(r"\1\\.", text.replace("://", ":\\/\\/"))
    return _LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def chart_label(value: Any) -> Any:
    """A category shown by Plotly (legend, axis tick, hover): `<`, `>` and `&` as entities."""
    if value is None or not isinstance(value, str):
        return value
    return html.escape(value, quote=False)


def chart_labels(frame, *columns: str):
    """A copy of `frame` with the named text columns made safe for Plotly (others untouched)."""
    present = [c for c in columns if c in frame.columns]
    if not present or frame.empty:
        return frame
    return frame.assign(**{c: frame[c].map(chart_label) for c in present})
