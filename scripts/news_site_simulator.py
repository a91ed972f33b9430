#!/usr/bin/env python3
"""A local news site for benchmarks: N article pages of 60-150 KB (site templates with inline
CSS and configuration scripts), sidebars, clocks and session ids that change on every request,
and GET /edit?fraction=0.1 to edit that share of the stories (a paragraph added, a sentence
changed or a headline changed). Prints its port, exits when stdin closes. Loopback only (--host)."""
import argparse, os, random, socket, sys, threading, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlparse, parse_qs

rng = random.Random(2024)
SYLLABLES = ["ka", "lo", "mi", "ster", "an", "ve", "ro", "tion", "pre", "de", "mar", "lin", "gu", "pol", "ic", "ent", "or", "sa", "ten", "ber"]
WORDS = ["the", "of", "and", "to", "in", "a", "said", "on", "for", "that", "with", "was", "officials", "government", "minister", "talks"]
while len(WORDS) < 3000:
    WORDS.append("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))

def word(r):
    return WORDS[min(int(len(WORDS) * r.random() ** 3), len(WORDS) - 1)]

def sentence(r, n):
    s = " ".join(word(r) for _ in range(n))
    return s[0].upper() + s[1:]

def paragraph(r):
    return ". ".join(sentence(r, r.randint(8, 22)) for _ in range(r.randint(2, 5))) + "."

class Site:
    def __init__(self, pages, sites=5):
        self.lock = threading.Lock()
        self.templates = []
        for s in range(sites):
            css = "".join(".c%d-%d{margin:%dpx;padding:%dpx;color:#%06x}" % (s, n, n % 17, n % 5, (n * 2654435761) % 0xFFFFFF) for n in range(rng.randint(300, 600)))
            menu = ",".join('{"id":%d,"label":"%s","url":"/section/%d"}' % (n, sentence(rng, 3), n) for n in range(rng.randint(250, 1500)))
            self.templates.append("<style>%s</style><script>window.__CONFIG__={\"site\":%d,\"menu\":[%s]};</script>" % (css, s, menu))
        self.stories = []
        for i in range(pages):
            self.stories.append({"site": i % sites, "headline": sentence(rng, 9), "paragraphs": [paragraph(rng) for _ in range(rng.randint(14, 40))]})
        self.rendered = {}

    def render(self, i):
        st = self.stories[i]
        head = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%s | Site %d News</title>'
                '<meta property="og:title" content="%s">%s' % (st["headline"], st["site"], st["headline"], self.templates[st["site"]]))
        body = ('<main><article class="story"><h1>%s</h1><div class="byline">By Staff Reporter</div><div class="story-body">%s</div></article>'
                % (st["headline"], "\n".join("<p>%s</p>" % p for p in st["paragraphs"])))
        return head.encode(), body.encode()

    def page(self, i, fetch):
        with self.lock:
            if i not in self.rendered:
                self.rendered[i] = self.render(i)
            head, body = self.rendered[i]
        r = random.Random(i * 7919 + fetch)
        clock = "%02d:%02d:%02d" % (fetch % 24, r.randint(0, 59), r.randint(0, 59))
        session = "%016x" % r.getrandbits(64)
        sidebar = "".join('<li><a href="/news/%d-%s">%s</a> <span>%s</span></li>' % (n, session[:4], sentence(r, 8), clock) for n in range(20))
        most = "".join('<li><a href="/read">%s</a></li>' % sentence(r, 7) for _ in range(10))
        dynamic = ('<script>window.__SESSION__="%s";</script></head><body><header class="site-header"><div class="clock">Updated %s</div>'
                   '<nav>%s</nav></header>' % (session, clock, " ".join('<a href="/s/%d">Section %d</a>' % (n, n) for n in range(30))))
        tail = ('<aside class="sidebar"><h3>Latest News</h3><ul>%s</ul><h3>Most read</h3><ol>%s</ol></aside></main>'
                '<footer class="site-footer">%s</footer></body></html>' % (sidebar, most, " ".join('<a href="/f/%d">Link %d</a>' % (n, n) for n in range(60))))
        return head + dynamic.encode() + body + tail.encode()

    def edit(self, fraction):
        count = int(round(len(self.stories) * fraction))
        ids = sorted(rng.sample(range(len(self.stories)), count))
        with self.lock:
            for n, i in enumerate(ids):
                st = self.stories[i]
                if n % 3 == 0:
                    st["paragraphs"].insert(rng.randint(0, len(st["paragraphs"])), paragraph(rng))
                elif n % 3 == 1:
                    k = rng.randrange(len(st["paragraphs"]))
                    parts = st["paragraphs"][k].split(". ")
                    parts[rng.randrange(len(parts))] = sentence(rng, 14)
                    st["paragraphs"][k] = ". ".join(parts)
                else:
                    st["headline"] = sentence(rng, 10)
                self.rendered.pop(i, None)
        return ids

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fetches = 0

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body leave in separate writes; with Nagle's algorithm on, the body's last
        # segment waits for the client's delayed ACK (~20 ms a request), which no real site has.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/edit":
            fraction = float(parse_qs(url.query).get("fraction", ["0.1"])[0])
            body = (",".join(str(i) for i in self.server.site.edit(fraction))).encode()
            return self.reply(200, body, "text/plain")
        if url.path.startswith("/news/") and url.path.endswith(".html"):
            try:
                i = int(url.path[len("/news/"):-len(".html")])
                assert 0 <= i < len(self.server.site.stories)
            except (ValueError, AssertionError):
                return self.reply(404, b"not found", "text/plain")
            Handler.fetches += 1
            if self.server.latency:
                time.sleep(self.server.latency)
            return self.reply(200, self.server.site.page(i, Handler.fetches), "text/html; charset=utf-8")
        return self.reply(404, b"not found", "text/plain")

    def reply(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (127.0.0.2 etc. make more hosts)")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 128
    server.site = Site(args.pages)
    server.latency = args.latency_ms / 1000
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()
    os._exit(0)

if __name__ == "__main__":
    main()
