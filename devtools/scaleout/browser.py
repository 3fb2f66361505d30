"""A small browser for the load: a cookie jar shared by both web servers (sessions live in the database
and the shared cache, so either server serves either session), CSRF from the form, no redirects followed
silently: every response's status is counted."""

import http.cookiejar
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from html.parser import HTMLParser


class Form:
    def __init__(self, action: str, method: str):
        self.action, self.method = action, method.lower()
        self.fields: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self.checkboxes: dict[str, str] = {}


class FormParser(HTMLParser):
    """Every <form> on a page with its fields' default values, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a.get("action") or "", a.get("method") or "get")
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                form.checkboxes[name] = a.get("value") or "on"
                if "checked" in a:
                    form.fields[name] = a.get("value") or "on"
                return
            form.fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            form.options[name] = []
            form.fields.setdefault(name, "")
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if "selected" in a:
                form.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields[name] = ""

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Stats:
    """Every response, by (method, route) and status; the 500s with their URL."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.by_route: Counter = Counter()
        self.errors: list[str] = []

    def add(self, method: str, route: str, status: int, url: str) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.by_route[(method, route)] += 1
            if status >= 500 or status == 0:
                self.errors.append(f"{status} {method} {url}")

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


class Response:
    def __init__(self, status: int, body: bytes, headers, url: str):
        self.status, self.body, self.headers, self.url = status, body, headers, url

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body or b"null")


class Browser:
    """One user. Requests alternate between the web servers."""

    def __init__(self, ports: list[int], stats: Stats, language: str = "en"):
        self.ports, self.stats, self.language = ports, stats, language
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self._turn = 0

    def _base(self) -> str:
        self._turn += 1
        return f"http://127.0.0.1:{self.ports[self._turn % len(self.ports)]}"

    def request(self, method: str, path: str, *, route: str, data=None, headers=None, body: bytes | None = None):
        url = self._base() + path
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers = {**(headers or {}), "Content-Type": "application/x-www-form-urlencoded"}
        request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 - loopback only
        request.add_header("Accept-Language", self.language)
        if method == "POST":
            request.add_header("Referer", url)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with self.opener.open(request, timeout=60) as response:
                result = Response(response.status, response.read(), response.headers, url)
        except urllib.error.HTTPError as error:
            result = Response(error.code, error.read(), error.headers, url)
        except OSError as error:  # the server closed the connection: counted as a failure
            result = Response(0, str(error).encode(), {}, url)
        self.stats.add(method, route, result.status, url)
        return result

    def get(self, path: str, *, route: str) -> Response:
        return self.request("GET", path, route=route)

    def post(self, path: str, data: dict, *, route: str) -> Response:
        return self.request("POST", path, data=data, route=route)

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def sign_in(self, username: str, password: str) -> bool:
        page = self.get("/accounts/login/", route="login")
        form = next(f for f in forms_of(page.text) if "password" in f.fields)
        data = {**form.fields, "username": username, "password": password}
        answer = self.post("/accounts/login/", data, route="login")
        return answer.status == 302
