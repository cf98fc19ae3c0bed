"""A Torznab indexer on 127.0.0.1 (what Jackett and Prowlarr answer), for the search tests.

Each path is one indexer: ``/alpha/api`` knows every search mode, ``/beta/api`` only plain
search, ``/slow/api`` answers after ``slow_seconds``, ``/garbage/api`` answers HTML, and
``/refusing/api`` answers a Torznab error (a bad API key). Every request is recorded.
"""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

FULL_CAPS = """<?xml version="1.0" encoding="UTF-8"?><caps><server title="stub"/><searching>
<search available="yes" supportedParams="q"/>
<tv-search available="yes" supportedParams="q,season,ep,imdbid"/>
<movie-search available="yes" supportedParams="q,imdbid"/>
</searching></caps>"""
BASIC_CAPS = """<?xml version="1.0" encoding="UTF-8"?><caps><searching>
<search available="yes" supportedParams="q"/><tv-search available="no"/><movie-search available="no"/>
</searching></caps>"""


def item(title: str, info_hash: str, seeders: int, peers: int, size: int, magnet: bool = True,
         infohash_attr: bool = True) -> str:
    attrs = [f'<torznab:attr name="seeders" value="{seeders}"/>', f'<torznab:attr name="peers" value="{peers}"/>']
    if infohash_attr:
        attrs.append(f'<torznab:attr name="infohash" value="{info_hash}"/>')
    link = f"magnet:?xt=urn:btih:{info_hash}&dn=x&tr=udp%3A%2F%2Ftracker.example%3A1337" if magnet \
        else f"http://127.0.0.1/dl/{info_hash}.torrent"
    return (f"<item><title>{escape(title)}</title><guid>{info_hash}</guid><link>{escape(link)}</link>"
            f"<size>{size}</size><pubDate>Mon, 07 Dec 2026 10:00:00 +0000</pubDate>"
            f"<enclosure url={quoteattr(link)} length=\"{size}\" type=\"application/x-bittorrent\"/>"
            + "".join(attrs) + "</item>")


def feed(items: list[str]) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:torznab="http://torznab.com/schemas/2015/feed"><channel><title>stub</title>'
            + "".join(items) + "</channel></rss>")


class TorznabServer:
    def __init__(self, items: dict[str, list[str]], slow_seconds: float = 3.0) -> None:
        self.items = items  # indexer -> its items (XML)
        self.slow_seconds = slow_seconds
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                indexer = parts.path.strip("/").split("/")[0]
                params = {k: v[0] for k, v in parse_qs(parts.query).items()}
                server.requests.append((indexer, params))
                status, body, kind = server.answer(indexer, params)
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, indexer: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{indexer}/api?apikey=secret"

    def answer(self, indexer: str, params: dict) -> tuple[int, str, str]:
        if params.get("apikey") != "secret" or indexer == "refusing":
            return 200, '<?xml version="1.0"?><error code="100" description="Invalid API Key"/>', "application/xml"
        if indexer == "garbage":
            return 200, "<html><body>Cloudflare says no</body></html>", "text/html"
        if indexer == "slow":
            time.sleep(self.slow_seconds)
        if params.get("t") == "caps":
            return 200, FULL_CAPS if indexer == "alpha" else BASIC_CAPS, "application/xml"
        return 200, feed(self.items.get(indexer, [])), "application/rss+xml"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
