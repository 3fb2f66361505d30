"""The bench's random-id mode: the pure pieces (bench/run.py does the database and the processes).

A page measured by repeating one URL for one user measures whatever that page keeps between requests. Real
traffic opens many objects, as many people: here each request takes a random line of a list of a few
thousand (path, session) pairs, each object one that the session's user may see, and wrk's Lua script
(bench/random_paths.lua) picks the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote_plus

LUA_SCRIPT = Path(__file__).resolve().with_name("random_paths.lua")
PATHS_ENV = "BENCH_PATHS"  # the variable random_paths.lua reads the list's file name from

T = TypeVar("T")


@dataclass(frozen=True)
class Pick:
    """One object the user behind `cookie` may see (`pk`, its id), or one thing that user would type into a
    box (`pk`, a string: a search). `cookie` is the whole Cookie header value."""

    cookie: str
    pk: int | str


def shares(total: int, people: int) -> list[int]:
    """How many of `total` ids each of `people` users contributes: as even as whole numbers allow."""
    if people <= 0:
        raise ValueError("at least one user is needed")
    base, extra = divmod(max(total, 0), people)
    return [base + 1 if i < extra else base for i in range(people)]


def spread(items: Sequence[T], count: int) -> list[T]:
    """`count` of `items`, evenly spaced from the first, so that users sorted by team come from many teams."""
    if count <= 0 or not items:
        return []
    if count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def path_of(url: str, value: int | str) -> str:
    """`url` with `value` in place of {id}: an id as a whole number, a typed string quoted for a query."""
    return url.format(id=quote_plus(value) if isinstance(value, str) else int(value))


def path_lines(picks: Iterable[Pick], *, url: str) -> list[str]:
    """One line of the list per pick: `url` with the object's id (or the typed string) in place of {id}, a
    tab, the cookie."""
    if "{id}" not in url:
        raise ValueError(f"the URL {url!r} has no {{id}} to put the object's id in")
    lines = []
    for pick in picks:
        path = path_of(url, pick.pk)
        if not path.startswith("/"):
            raise ValueError(f"{path!r} is not a path")
        if any(c in path + pick.cookie for c in "\t\r\n"):
            raise ValueError("a path or cookie holds a tab or a line break: the list would be misread")
        lines.append(f"{path}\t{pick.cookie}")
    return lines


def write_path_list(lines: Sequence[str], file: Path) -> Path:
    if not lines:
        raise ValueError("no object to request: the list would be empty")
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("\n".join(lines) + "\n")
    return file


def mode_label(*, ids: int, users: int, what: str = "ids") -> str:
    return f"random: {ids:,} {what}, {users} {'user' if users == 1 else 'users'}"
