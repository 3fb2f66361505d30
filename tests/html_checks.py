"""What a screen reader needs from a page's markup, checked on rendered HTML: every id that an
aria-describedby (or aria-labelledby) names exists, and every form control has a label.

Tags are read with regular expressions, not html.parser: the access matrix reads a few thousand pages,
and our templates write no markup inside comments or scripts (the CSP allows no inline script)."""

import html as html_lib
import re

# Controls a person fills or ticks; buttons name themselves, hidden inputs are not shown.
UNLABELLED_OK = {"hidden", "submit", "button", "reset", "image"}
CONTROLS = {"input", "select", "textarea"}

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


def _attributes(text: str) -> dict[str, str]:
    found = {}
    for name, double, single, bare in _ATTRIBUTE.findall(text):
        found[name.lower()] = html_lib.unescape(double or single or bare)
    return found


def html_problems(html: str) -> list[str]:
    """Missing aria targets and controls without a label, one line each; [] when the page is right."""
    ids: set[str] = set()
    label_for: set[str] = set()
    references: list[tuple[str, str, str]] = []
    controls: list[tuple[str, dict, bool]] = []
    open_labels = 0
    for closing, tag, rest in _TAG.findall(_COMMENT.sub("", html)):
        tag = tag.lower()
        if closing:
            if tag == "label" and open_labels:
                open_labels -= 1
            continue
        attrs = _attributes(rest)
        if attrs.get("id"):
            ids.add(attrs["id"])
        for attribute in ("aria-describedby", "aria-labelledby"):
            references.extend((tag, attribute, ref) for ref in attrs.get(attribute, "").split())
        if tag == "label":
            open_labels += 1
            if attrs.get("for"):
                label_for.add(attrs["for"])
        if tag in CONTROLS and attrs.get("type", "text").lower() not in UNLABELLED_OK:
            controls.append((tag, attrs, open_labels > 0))
    problems = [
        f"<{tag} {attribute}> names #{ref}, which is not on the page"
        for tag, attribute, ref in references
        if ref not in ids
    ]
    for tag, attrs, in_label in controls:
        named = (
            in_label
            or attrs.get("aria-label", "").strip()
            or attrs.get("aria-labelledby", "").strip()
            or attrs.get("id", "") in label_for
        )
        if not named:
            problems.append(f"<{tag} name={attrs.get('name')!r} id={attrs.get('id')!r}> has no label")
    return problems
