"""A front end on an origin of its own (http://127.0.0.1:<port>, not the API's), as a single-page
app's development server serves it, running the README's `fetch` examples."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from {{ cookiecutter.project_slug }}.testing.project import PROJECT_DIR

FRONT_END_HEADING = "Calling the API from a front end"
# The API origin the README's examples name; the page is given the live server's instead.
README_API_ORIGIN = "http://127.0.0.1:8000"


class FrontEndServer:
    """Serves `html` at `/` from a thread, on a free local port. Set `html` once the API's origin
    is known: the API, in turn, is told this server's origin."""

    def __init__(self) -> None:
        self.html = ""
        front_end = self

        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = front_end.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the test's output is for failures

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FrontEndServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def documented_javascript() -> str:
    """The JavaScript of the project's front-end section, wherever the docs keep it."""
    for document in [PROJECT_DIR / "README.md", *sorted((PROJECT_DIR / "docs").rglob("*.md"))]:
        section = _section(document, FRONT_END_HEADING)
        if section is not None:
            return "\n".join(re.findall(r"```js\n(.*?)```", section, flags=re.S))
    raise AssertionError(f"No document has a section {FRONT_END_HEADING!r}.")


def _section(document: Path, heading: str) -> str | None:
    """The text under `heading` up to the next heading of its level or above."""
    if not document.is_file():
        return None
    text = document.read_text()
    found = re.search(rf"^(#+) {re.escape(heading)}$", text, flags=re.M)
    if found is None:
        return None
    level = len(found.group(1))
    kept: list[str] = []
    in_code = False
    for line in text[found.end() :].splitlines(keepends=True):
        marker = re.match(r"(#+) ", line)
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and marker and len(marker.group(1)) <= level:
            break
        kept.append(line)
    return "".join(kept)


def front_end_page(*, api_origin: str) -> str:
    """A page whose scripts are the documented examples, calling the API at `api_origin`."""
    script = documented_javascript().replace(f'"{README_API_ORIGIN}"', f'"{api_origin}"')
    return f"<!doctype html>\n<title>front end</title>\n<script>\n{script}\n</script>\n"
