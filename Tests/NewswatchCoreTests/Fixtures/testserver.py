#!/usr/bin/env python3
"""Local HTTP server for newswatch's tests (127.0.0.1 only, stdlib only).

Prints its port on the first line of stdout and exits when stdin closes, so a test can
never leave it running. Routes:
  /site/<path>        files under --root, with ETag/Last-Modified and 304 support
                      (?delay=S answers after S seconds)
  /gzip               a gzip-encoded page
  /redirect           302 to /site/index.html
  /redirect-loop      302 to itself
  /redirect-file      302 to file:///etc/passwd
  /status/<code>      that status with a small body
  /slow               headers, then waits 30 s before the body
  /big                5 MB body
  /webhook            POST: records the body; GET /webhook-log returns all as JSON
  /connections        GET: the highest number of concurrent requests seen
  /arrivals           GET: when each /site/ request arrived (monotonic seconds, comma-separated)
  /redirect-to?u=URL&delay=S   waits S seconds, then 302 to URL
  /requests           GET: every request line seen so far, one per line (absolute-form
                      lines mean the server was used as a proxy)
  absolute-form GETs  (http://host/path) answer like a proxy would, without forwarding:
                      the line is recorded and a small page returned
"""
import argparse, email.utils, gzip, hashlib, json, os, sys, threading, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

lock = threading.Lock()
webhooks = []
hook_mode = {"mode": "ok"}
active = 0
peak = 0
arrivals = []
requests = []

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=None):
        self.send_response(status)
        headers = headers or {}
        headers.setdefault("Content-Type", "text/html; charset=utf-8")
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        global active, peak
        with lock:
            active += 1
            peak = max(peak, active)
            if self.path.startswith("/site/"):
                arrivals.append(time.monotonic())
            if not self.path.startswith("/requests"):
                requests.append(self.path)
        try:
            self.route()
        finally:
            with lock:
                active -= 1

    def route(self):
        if self.path.startswith("http://") or self.path.startswith("https://"):
            return self.send(200, b"<html><body><p>answered by the proxy</p></body></html>")
        path = self.path.split("?")[0]
        query = {}
        if "?" in self.path:
            import urllib.parse
            query = dict(urllib.parse.parse_qsl(self.path.split("?", 1)[1]))
        if path == "/redirect-to":
            time.sleep(float(query.get("delay", "0")))
            return self.send(302, b"", {"Location": query["u"]})
        if path == "/requests":
            with lock:
                body = "\n".join(requests).encode()
            return self.send(200, body, {"Content-Type": "text/plain"})
        if path.startswith("/site/"):
            # ?delay=S: a page that takes S seconds to answer.
            time.sleep(float(query.get("delay", "0")))
            rel = os.path.normpath(path[len("/site/"):])
            full = os.path.join(self.server.root, rel)
            if rel.startswith("..") or not os.path.isfile(full):
                return self.send(404, b"<html><body>not found</body></html>")
            body = open(full, "rb").read()
            etag = '"%s"' % hashlib.sha1(body).hexdigest()
            mtime = email.utils.formatdate(os.path.getmtime(full), usegmt=True)
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", {"ETag": etag})
            return self.send(200, body, {"ETag": etag, "Last-Modified": mtime})
        if path == "/gzip":
            body = gzip.compress(b"<html><body><article><p>" + b"Compressed story text, repeated. " * 50 + b"</p></article></body></html>")
            return self.send(200, body, {"Content-Encoding": "gzip"})
        if path == "/redirect":
            return self.send(302, b"", {"Location": "/site/index.html"})
        if path == "/redirect-loop":
            return self.send(302, b"", {"Location": "/redirect-loop"})
        if path == "/redirect-file":
            return self.send(302, b"", {"Location": "file:///etc/passwd"})
        if path.startswith("/status/"):
            code = int(path.split("/")[2])
            return self.send(code, b"<html><body>status %d</body></html>" % code)
        if path == "/slow":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.flush()
            time.sleep(30)
            return
        if path == "/big":
            return self.send(200, b"x" * (5 * 1024 * 1024))
        if path == "/delay":
            time.sleep(0.3)
            return self.send(200, b"<html><body><p>delayed</p></body></html>")
        if path.startswith("/hostile/"):
            return self.hostile(path[len("/hostile/"):])
        if path == "/webhook-log":
            with lock:
                body = json.dumps(webhooks).encode()
            return self.send(200, body, {"Content-Type": "application/json"})
        if path.startswith("/mode/"):
            hook_mode["mode"] = path.split("/")[2]
            return self.send(200, b"ok", {"Content-Type": "text/plain"})
        if path == "/arrivals":
            with lock:
                body = ",".join("%.4f" % t for t in arrivals).encode()
            return self.send(200, body, {"Content-Type": "text/plain"})
        if path == "/connections":
            return self.send(200, str(peak).encode(), {"Content-Type": "text/plain"})
        return self.send(404, b"no route")

    def hostile(self, case):
        """Servers that misbehave the ways real news sites do."""
        story = b"<html><head><meta charset=utf-8><title>T</title></head><body><article>" + b"<p>A story paragraph, long enough, with commas, to count as the article text.</p>" * 5 + b"</article></body></html>"
        w = self.wfile
        def head(status, headers):
            w.write(("HTTP/1.1 %d X\r\n" % status).encode())
            for k, v in headers.items():
                w.write(("%s: %s\r\n" % (k, v)).encode())
            w.write(b"\r\n")
            w.flush()
        if case == "trickle":
            head(200, {"Content-Type": "text/html", "Content-Length": "100000"})
            for _ in range(100000):
                w.write(b"x"); w.flush(); time.sleep(1)
        elif case == "endless":
            head(200, {"Content-Type": "text/html"})
            while True:
                w.write(b"<p>more and more and more</p>" * 1000)
        elif case == "gzip-bomb":
            import gzip as g, io
            buf = io.BytesIO()
            with g.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as z:
                chunk = b"\0" * (1 << 20)
                for _ in range(1024):
                    z.write(chunk)
            body = buf.getvalue()
            head(200, {"Content-Type": "text/html", "Content-Encoding": "gzip", "Content-Length": str(len(body))})
            w.write(body)
        elif case == "length-longer":
            head(200, {"Content-Type": "text/html", "Content-Length": str(len(story) + 5000)})
            w.write(story); w.flush()
            self.close_connection = True
        elif case == "length-shorter":
            head(200, {"Content-Type": "text/html", "Content-Length": "40"})
            w.write(story)
            self.close_connection = True
        elif case == "redirect-ftp":
            head(302, {"Location": "ftp://127.0.0.1/x", "Content-Length": "0"})
        elif case == "redirect-gopher":
            head(302, {"Location": "gopher://127.0.0.1/x", "Content-Length": "0"})
        elif case == "no-location":
            head(302, {"Content-Length": "0"})
        elif case == "invalid-utf8":
            body = story.replace(b"commas", b"comm\xff\xfe\xc3as")
            head(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))}); w.write(body)
        elif case == "wrong-charset":
            body = story.replace(b"commas", "commas, İstanbul şehri".encode("windows-1254"))
            head(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))}); w.write(body)
        elif case == "windows-1254" or case == "iso-8859-9":
            body = story.replace(b"commas", "commas, İstanbul'da yağış".encode(case)).replace(b"charset=utf-8", ("charset=" + case).encode())
            head(200, {"Content-Type": "text/html; charset=" + case, "Content-Length": str(len(body))}); w.write(body)
        elif case == "pdf" or case == "jpeg":
            body = (b"%PDF-1.4\n" if case == "pdf" else b"\xff\xd8\xff\xe0") + bytes(range(256)) * 200
            head(200, {"Content-Type": "text/html", "Content-Length": str(len(body))}); w.write(body)
        elif case == "50mb":
            body = b"<html><body><article>" + b"<p>Huge page text, with commas.</p>" * (50 * 1024 * 1024 // 36) + b"</article></body></html>"
            head(200, {"Content-Type": "text/html", "Content-Length": str(len(body))}); w.write(body)
        elif case == "deep":
            body = b"<div>" * 100000 + b"deep" + b"</div>" * 100000
            head(200, {"Content-Type": "text/html", "Content-Length": str(len(body))}); w.write(body)
        elif case in ("404", "410"):
            head(int(case), {"Content-Type": "text/html", "Content-Length": "9"}); w.write(b"not found")
        elif case in ("429", "503"):
            head(int(case), {"Retry-After": "120", "Content-Length": "4"}); w.write(b"busy")
        elif case == "reset":
            head(200, {"Content-Type": "text/html", "Content-Length": "100000"})
            w.write(story[:200]); w.flush()
            import socket, struct
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        elif case == "silent":
            time.sleep(3600)
        else:
            head(404, {"Content-Length": "0"})
        self.close_connection = True

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.path == "/webhook":
            with lock:
                webhooks.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body.decode("utf-8", "replace")})
            return self.send(200, b"ok", {"Content-Type": "text/plain"})
        if self.path == "/hook":
            # A webhook receiver that misbehaves on request; every request is logged to --hook-log.
            mode = hook_mode["mode"]
            try:
                payload = json.loads(body)
            except ValueError:
                payload = {}
            record = {"mode": mode, "id": payload.get("id"), "watch": payload.get("watch"), "type": payload.get("type"),
                      "header_id": self.headers.get("X-Newswatch-Event-Id")}
            with lock:
                with open(self.server.hook_log, "a") as f:
                    f.write(json.dumps(record) + "\n")
            if mode == "500":
                return self.send(500, b"broken", {"Content-Type": "text/plain"})
            if mode == "503":
                return self.send(503, b"busy", {"Content-Type": "text/plain", "Retry-After": "1"})
            if mode == "slow":
                time.sleep(30)
                return
            return self.send(200, b"ok", {"Content-Type": "text/plain"})
        return self.send(404, b"no route")

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=".")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--hook-log", default=os.devnull)
    parser.add_argument("--hook-mode", default="ok")
    args = parser.parse_args()
    hook_mode["mode"] = args.hook_mode
    ThreadingHTTPServer.allow_reuse_address = True
    # Clients hang up on the hostile cases on purpose; their tracebacks are noise.
    ThreadingHTTPServer.handle_error = lambda self, request, client_address: None
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.hook_log = args.hook_log
    server.daemon_threads = True
    server.root = args.root
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # returns when the test closes our stdin (or dies)
    os._exit(0)

if __name__ == "__main__":
    main()
