"""The benchmark's write mix: what a newsroom does while readers read.

Each worker repeats, for the given seconds: an editor's token creates an
article and publishes it, a reader comments on it (held for moderation, as
readers' comments are), and a moderator approves the comment. Every step is
one request over a kept-alive connection; each step's latency is recorded.
Prints one JSON object: per step the count, p50 and p99 in ms and errors,
and the cycles per second.

    python3 bench/write_mix.py BASE_URL TOKEN SECONDS [WORKERS]
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse

STEPS = ["create", "publish", "comment", "approve"]


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 3)


class Worker(threading.Thread):
    def __init__(self, base, token, deadline, number):
        super().__init__()
        url = urllib.parse.urlparse(base)
        self.host, self.port = url.hostname, url.port
        self.token, self.deadline, self.number = token, deadline, number
        self.latency = {step: [] for step in STEPS}
        self.errors = {step: 0 for step in STEPS}
        self.cycles = 0

    def call(self, conn, step, path, body, token, expect, if_match=None):
        """The answer's JSON and ETag, or None when it was not `expect`."""
        headers = {"content-type": "application/json"}
        if if_match:
            headers["if-match"] = if_match
        if token:
            headers["authorization"] = f"Bearer {token}"
        started = time.perf_counter()
        try:
            conn.request("POST", path, body=json.dumps(body), headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as e:
            # The server closed the kept-alive connection: count it, reconnect.
            self.errors[step] += 1
            conn.close()
            print(f"write mix: {step} failed: {e}", file=sys.stderr)
            return None
        self.latency[step].append(time.perf_counter() - started)
        if response.status != expect:
            self.errors[step] += 1
            if sum(self.errors.values()) == 1:
                print(f"write mix: {step} answered {response.status}: {data[:300]!r}",
                      file=sys.stderr)
            return None
        return json.loads(data), response.getheader("etag")

    def run(self):
        conn = http.client.HTTPConnection(self.host, self.port)
        n = 0
        while n == 0 or time.time() < self.deadline:
            n += 1
            slug = f"bench-write-{self.number}-{n}-{time.time_ns()}"
            article = self.call(conn, "create", "/api/v1/manage/articles", {
                "title": f"Write mix {self.number}.{n}",
                "slug": slug,
                "body_markdown": "## A subhead\n\nA paragraph.\n\n- one\n- two\n",
                "section": "section-1",
            }, self.token, 201)
            if article is None:
                continue
            (article, version) = article
            # Publishing names the version it read, as an editor's client must.
            if self.call(conn, "publish", f"/api/v1/manage/articles/{article['id']}/publish",
                         {}, self.token, 200, if_match=version) is None:
                continue
            comment = self.call(conn, "comment", f"/api/v1/articles/{slug}/comments", {
                "author_name": "A reader",
                "author_email": "reader@example.com",
                "body": "A comment to moderate.",
            }, None, 202)
            if comment is None:
                continue
            (comment, _) = comment
            if self.call(conn, "approve", f"/api/v1/manage/comments/{comment['id']}/approve",
                         {}, self.token, 200) is None:
                continue
            self.cycles += 1


def main():
    base, token, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    # One cycle first, alone: a mix of refused requests would measure nothing.
    probe = Worker(base, token, time.time() + 0.001, 0)
    probe.run()
    if probe.cycles != 1:
        sys.exit("write mix: the first cycle failed (see above); nothing measured")
    deadline = time.time() + seconds
    started = time.time()
    threads = [Worker(base, token, deadline, i + 1) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - started
    out = {"workers": workers, "seconds": round(elapsed, 3),
           "cycles_per_second": round(sum(t.cycles for t in threads) / elapsed, 1)}
    for step in STEPS:
        values = [v for t in threads for v in t.latency[step]]
        out[step] = {"count": len(values), "p50_ms": percentile(values, 0.5),
                     "p99_ms": percentile(values, 0.99),
                     "errors": sum(t.errors[step] for t in threads)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
