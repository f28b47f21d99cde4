"""Headless Chromium (Debian's ``chromium``) and a loopback server that records every request it gets.

Chromium is pointed at the recorder as its proxy, so any request for anything outside the machine
lands there (``GET http://…`` or ``CONNECT host:443``) and is refused. The recorder also serves a
directory for requests addressed to itself, so a site can be loaded over http from 127.0.0.1 too.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHROMIUM = shutil.which("chromium")
# Chromium's own chores still reach out with the usual flags (network time, an on-demand component
# update, Google accounts); the last three flags send those to a closed loopback port instead, so
# that anything the proxy sees came from the page.
DEAD = "http://127.0.0.1:9/"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
         "--disable-features=NetworkTimeServiceQuerying",
         f"--component-updater=url-source={DEAD}", f"--gaia-url={DEAD}"]


@dataclass
class Recorder:
    """What the loopback server saw: requests for its own files, and everything else."""

    root: Path | None
    port: int = 0
    served: list[tuple[str, int]] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(rec: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self) -> None:
            url = urlsplit(self.path)
            ours = self.command in ("GET", "HEAD") and rec.root is not None and (
                not url.netloc or url.netloc == f"127.0.0.1:{rec.port}")
            if not ours:
                with rec.lock:
                    rec.external.append(f"{self.command} {self.path}")
                self.send_error(403)
                return
            assert rec.root is not None
            file = (rec.root / unquote(url.path).lstrip("/")).resolve()
            inside = file.is_relative_to(rec.root.resolve()) and file.is_file()
            status = 200 if inside else 404
            with rec.lock:
                rec.served.append((unquote(url.path), status))
            if not inside:
                self.send_error(404)
                return
            body = file.read_bytes()
            kind = "text/css" if file.suffix == ".css" else "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)

        do_GET = do_HEAD = do_POST = do_PUT = do_CONNECT = do_OPTIONS = _answer

    return Handler


@contextmanager
def recorder(root: Path | None = None) -> Iterator[Recorder]:
    """A recording server on 127.0.0.1 (serving ``root`` if given), stopped on exit."""
    rec = Recorder(root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(rec))
    rec.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def run(url: str, profile: Path, proxy: Recorder, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium once on ``url``; every non-loopback request goes to ``proxy``."""
    assert CHROMIUM is not None
    profile.mkdir(parents=True, exist_ok=True)
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
           f"--proxy-server=http://127.0.0.1:{proxy.port}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def screenshot(url: str, png: Path, proxy: Recorder, size: tuple[int, int] = (1000, 800)) -> None:
    """Save a screenshot of ``url``; raises if Chromium fails or writes nothing."""
    png.unlink(missing_ok=True)
    result = run(url, png.parent / f"profile-{png.stem}", proxy, f"--screenshot={png}",
                 f"--window-size={size[0]},{size[1]}")
    if result.returncode != 0 or not png.is_file():
        raise RuntimeError(f"chromium failed on {url}: {result.stderr[-2000:]}")


def print_pdf(url: str, pdf: Path, proxy: Recorder) -> None:
    """Print ``url`` to PDF as the browser would, without headers and footers."""
    pdf.unlink(missing_ok=True)
    result = run(url, pdf.parent / f"profile-{pdf.stem}", proxy, f"--print-to-pdf={pdf}",
                 "--no-pdf-header-footer")
    if result.returncode != 0 or not pdf.is_file():
        raise RuntimeError(f"chromium failed on {url}: {result.stderr[-2000:]}")
