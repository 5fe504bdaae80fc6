#!/usr/bin/env python3
"""A hostile little web site on 127.0.0.1 for tests/run-fetch.

usage: server.py PORTFILE LOGFILE

Listens on an ephemeral port of 127.0.0.1, writes the port to PORTFILE,
and appends one line per request to LOGFILE: "HOST PATH<TAB>USER-AGENT<TAB>
CONCURRENT<TAB>TIME", CONCURRENT being the requests being served at that
moment for the same host and path prefix (/slow/). It exits by itself
after LIFETIME seconds, so a test that dies cannot leave it behind.
Only the standard library is used.
"""
import gzip
import http.server
import os
import sys
import threading
import time

LIFETIME = 300

ARTICLE = (
    "<p>The river had risen overnight, and by morning the old stone bridge "
    "stood in brown water up to its arches. People came down from the town "
    "to look at it, talking quietly, as if the water might hear them.</p>\n"
    "<p>Nobody could remember a flood like it. The miller said his father had "
    "told him of one, long ago, that carried away three houses and a church "
    "bell, which was never found.</p>\n"
)


def page(title, extra=""):
    return ("<!DOCTYPE html><html><head><title>%s</title>"
            "<meta name=\"author\" content=\"Test Author\"></head><body>"
            "<nav><a href=\"/\">Home</a> | <a href=\"/news\">News</a></nav>"
            "<article><h1>%s</h1>\n%s%s</article>"
            "<footer>Copyright 2024 Example Ltd. All rights reserved.</footer>"
            "</body></html>\n" % (title, title, ARTICLE, extra))


lock = threading.Lock()
state = {"counts": {}, "active": {}}


def bump(key):
    with lock:
        n = state["counts"].get(key, 0) + 1
        state["counts"][key] = n
        return n


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True   # headers and body go out at once

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body, ctype="text/html; charset=utf-8", headers=()):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(code)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, to, code=302):
        self.send(code, "", None, [("Location", to)])

    def stream(self, chunk, count, pause, ctype="text/html", headers=()):
        """A body of unknown length: chunk, count times, then close."""
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for _ in range(count):
                self.wfile.write(chunk)
                self.wfile.flush()
                if pause:
                    time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        host = self.headers.get("Host", "-")
        path = self.path
        key = host + " " + ("/slow/" if path.startswith("/slow/") else path)
        with lock:
            state["active"][key] = state["active"].get(key, 0) + 1
            conc = state["active"][key]
            with open(sys.argv[2], "a") as log:
                log.write("%s %s\t%s\t%d\t%.3f\n" % (host, path, self.headers.get("User-Agent", ""),
                                                     conc, time.time()))
        try:
            self.route(host, path)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with lock:
                state["active"][key] -= 1

    def route(self, host, path):
        if path == "/robots.txt" and host.startswith("localhost"):
            return self.send(503, "robots are resting", "text/plain")
        if path == "/robots.txt":
            return self.send(200, "# test rules\nUser-agent: *\nDisallow: /private/\n\n"
                                  "User-agent: testbot\nDisallow: /\n", "text/plain")
        if path.startswith("/page/") or path.startswith("/private/"):
            return self.send(200, page("Page " + path.rsplit("/", 1)[1]))
        if path.startswith("/slow/"):
            time.sleep(0.4)
            return self.send(200, page("Slow " + path.rsplit("/", 1)[1]))
        if path == "/text.txt":
            return self.send(200, "Plain text here, a sentence that is kept.\n", "text/plain")
        if path == "/image.png":
            return self.send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
        if path == "/redirect":
            return self.redirect("/page/redirected", 301)
        if path == "/loop/a":
            return self.redirect("/loop/b")
        if path == "/loop/b":
            return self.redirect("http://%s/loop/a" % host)
        if path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            return self.redirect("/chain/%d" % (n - 1)) if n > 0 else self.send(200, page("End"))
        if path == "/ftp":
            return self.redirect("ftp://127.0.0.1/file")
        if path == "/404":
            return self.send(404, "<h1>not here</h1>", headers=[])
        if path == "/500":
            return self.send(500, "oops", "text/plain")
        if path == "/flaky":
            if bump(path) == 1:
                return self.send(503, "busy", "text/plain")
            return self.send(200, page("Flaky"))
        if path == "/429":
            if bump(path) == 1:
                return self.send(429, "slow down", "text/plain", [("Retry-After", "1")])
            return self.send(200, page("Patient"))
        if path == "/429-long":
            return self.send(429, "go away", "text/plain", [("Retry-After", "3600")])
        if path == "/stall":
            time.sleep(30)
            return self.send(200, page("Too late"))
        if path == "/trickle":
            body = page("Trickle").encode()
            step = len(body) // 10 + 1
            return self.stream_parts([body[i:i + step] for i in range(0, len(body), step)], 0.05)
        if path == "/trickle-forever":
            return self.stream(b"<p>a", 1000, 0.2)
        if path == "/gzip":
            return self.send(200, gzip.compress(page("Gzipped").encode()),
                             headers=[("Content-Encoding", "gzip")])
        if path == "/gzip-bomb":
            return self.send(200, gzip.compress(b"<p>" + b"a" * (64 << 20)),
                             headers=[("Content-Encoding", "gzip")])
        if path == "/huge":
            # Declared up front: refused before the body is read.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(200 << 20))
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"a" * (1 << 20))
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if path == "/huge-stream":
            return self.stream(b"<p>" + b"b" * 65533, 3200, 0)
        if path == "/latin1-header":
            body = page("Caf\u00e9 header", "<p>Cr\u00e8me br\u00fbl\u00e9e for everyone in the caf\u00e9 today.</p>")
            return self.send(200, body.encode("latin-1"), "text/html; charset=ISO-8859-1")
        if path == "/wrong-charset":
            body = page("Wrong", "<p>Cr\u00e8me br\u00fbl\u00e9e for everyone in the caf\u00e9 today.</p>")
            body = body.replace("<head>", "<head><meta charset=\"iso-8859-1\">")
            return self.send(200, body.encode("latin-1"), "text/html; charset=utf-8")
        if path == "/no-charset":
            body = page("None", "<p>Cr\u00e8me br\u00fbl\u00e9e for everyone in the caf\u00e9 today, "
                                "d\u00e9j\u00e0 vu \u00e0 la cr\u00e8me.</p>")
            return self.send(200, body.encode("latin-1"), "text/html")
        if path == "/feed.xml":
            items = "".join("<item><title>%s</title><link>http://%s/page/%s</link></item>" % (n, host, n)
                            for n in ("f1", "f2"))
            return self.send(200, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
                                  "<title>Feed</title>%s</channel></rss>" % items, "application/rss+xml")
        if path == "/sitemap.xml":
            return self.send(200, sitemap(host, ["/page/s1", "/page/s2", "/404"]), "application/xml")
        if path == "/sitemap.xml.gz":
            return self.send(200, gzip.compress(sitemap(host, ["/page/g1"]).encode()), "application/gzip")
        if path == "/sitemap-index.xml":
            locs = "".join("<sitemap><loc>http://%s%s</loc></sitemap>" % (host, p)
                           for p in ("/sitemap.xml", "/sitemap.xml.gz", "/missing-sitemap.xml"))
            return self.send(200, "<?xml version=\"1.0\"?><sitemapindex "
                                  "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">%s</sitemapindex>"
                             % locs, "application/xml")
        return self.send(404, "not found", "text/plain")

    def stream_parts(self, parts, pause):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(sum(len(p) for p in parts)))
        self.end_headers()
        for p in parts:
            self.wfile.write(p)
            self.wfile.flush()
            time.sleep(pause)


def sitemap(host, paths):
    urls = "".join("<url><loc>http://%s%s</loc></url>" % (host, p) for p in paths)
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">%s</urlset>" % urls)


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass   # clients hang up on purpose (size limits, timeouts)


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, sys.argv[1])
    threading.Timer(LIFETIME, lambda: os._exit(0)).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
