#!/usr/bin/env python3
"""Read-your-writes through a balancer: an editor edits an article's title
and at once reads it back, 100 times; every read must show the write.

    read_your_writes.py BALANCER ACCESS_TOKEN

Prints {"writes": 100, "stale_reads": n}.
"""
import http.client
import json
import sys

base, token = sys.argv[1], sys.argv[2]
host, port = base.replace("http://", "").split(":")
auth = {"Authorization": "Bearer " + token}


def call(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request(method, path, body=None if body is None else json.dumps(body),
                 headers=headers or {})
    res = conn.getresponse()
    data = res.read()
    conn.close()
    return res.status, {k.lower(): v for k, v in res.getheaders()}, data


status, headers, body = call("POST", "/api/v1/manage/articles", {
    "title": "Own writes", "slug": "fleet-own-writes", "body_markdown": "Read back.",
    "section": "section-1"}, {**auth, "Content-Type": "application/json"})
assert status == 201, (status, body)
article = json.loads(body)["id"]
status, headers, body = call("POST", f"/api/v1/manage/articles/{article}/publish",
                             headers={**auth, "If-Match": headers["etag"]})
assert status == 200, (status, body)
etag, stale = headers["etag"], 0
for i in range(100):
    title = f"Own write {i}"
    status, headers, body = call("PATCH", f"/api/v1/manage/articles/{article}", {"title": title},
                                 {**auth, "If-Match": etag, "Content-Type": "application/json"})
    assert status == 200, (status, body)
    etag = headers["etag"]
    status, _, body = call("GET", "/api/v1/articles/fleet-own-writes", headers=auth)
    if status != 200 or json.loads(body)["title"] != title:
        stale += 1
print(json.dumps({"writes": 100, "stale_reads": stale}))
