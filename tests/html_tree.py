"""A page's elements by id, for tests of rendered HTML: every label and aria-describedby names an element
that exists."""

from html.parser import HTMLParser


class Elements(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs in self.elements if "id" in attrs}

    def find(self, tag: str, **wanted) -> list[dict]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in wanted.items())]

    def dangling_references(self) -> list[str]:
        """Each <label for> and aria-describedby / aria-labelledby id that names no element."""
        ids, missing = self.ids(), []
        for _, attrs in self.elements:
            names = [attrs.get("for", "")]
            names += attrs.get("aria-describedby", "").split() + attrs.get("aria-labelledby", "").split()
            missing += [name for name in names if name and name not in ids]
        return missing

    def labelled_inputs(self) -> bool:
        """Every visible input, select and textarea has a <label for> naming it."""
        labelled = {attrs.get("for") for tag, attrs in self.elements if tag == "label"}
        fields = [
            a
            for t, a in self.elements
            if t in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit")
        ]
        return all(a.get("id") in labelled for a in fields)
