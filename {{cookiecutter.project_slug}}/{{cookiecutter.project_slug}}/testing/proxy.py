"""A reverse proxy in front of a live server, and clients that connect from addresses of their
own: what a server behind a load balancer sees from the internet."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from {{ cookiecutter.project_slug }}.testing.servers import LiveServer

# Per connection, never forwarded by a proxy (RFC 9110 section 7.6.1), and the length it recomputes.
HOP_HEADERS = frozenset(
    ("connection", "keep-alive", "transfer-encoding", "te", "upgrade", "content-length", "host")
)
# The proxy writes these itself; whatever the client sent in X-Forwarded-For is kept in front.
FORWARDING = frozenset(("x-forwarded-for", "x-forwarded-proto"))


class ForwardingProxy:
    """A reverse proxy in front of a live server, as Caddy or nginx behave: it appends the address
    its client connected from to X-Forwarded-For, says the request came over HTTPS
    (X-Forwarded-Proto), and forwards everything else as received. It listens on 127.0.0.1 and
    connects from there (a trusted proxy address by default)."""

    def __init__(self, upstream: LiveServer) -> None:
        self.upstream = upstream
        self.http = httpx.Client(timeout=15, follow_redirects=False)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                proxy.forward(self)

            def do_POST(self) -> None:
                proxy.forward(self)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the upstream's access log is enough

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        headers = [(k, v) for k, v in handler.headers.items() if k.lower() not in HOP_HEADERS]
        forwarded_for = [v for k, v in headers if k.lower() == "x-forwarded-for"]
        headers = [(k, v) for k, v in headers if k.lower() not in FORWARDING]
        headers.append(("X-Forwarded-For", ", ".join([*forwarded_for, handler.client_address[0]])))
        headers.append(("X-Forwarded-Proto", "https"))
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        answer = self.http.request(
            handler.command, f"{self.upstream.url}{handler.path}", headers=headers, content=body
        )
        handler.send_response(answer.status_code)
        for name, value in answer.headers.multi_items():
            # httpx has decoded the body already: its Content-Encoding no longer applies.
            if name.lower() not in HOP_HEADERS and name.lower() != "content-encoding":
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(answer.content)))
        handler.end_headers()
        handler.wfile.write(answer.content)

    def start(self) -> "ForwardingProxy":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.http.close()


def client_from(address: str) -> httpx.Client:
    """An HTTP client whose connections come from `address` (any 127.x.y.z is local on Linux):
    one client per address stands for one machine on the internet."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(transport=transport, timeout=15, follow_redirects=False)
