#!/usr/bin/env python3
"""Cross-node delay: from a write acknowledged by node A to node B serving it.

Creates and publishes an article through node A, then edits its title there
(an editor's PATCH) again and again, each time reading the article from node
B, where it is cached, until the new title shows. Prints
one JSON line: {"writes": n, "p50_ms": .., "p99_ms": .., "max_ms": ..}.

    invalidation_delay.py NODE_A NODE_B ACCESS_TOKEN NEW_SLUG [WRITES]
"""
import http.client
import json
import sys
import time


def connect(base):
    host, port = base.replace("http://", "").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=5)


def call(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers=headers or {})
    res = conn.getresponse()
    data = res.read()
    return res.status, dict(res.getheaders()), data


def main():
    node_a, node_b, token, slug = sys.argv[1:5]
    writes = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    a, b = connect(node_a), connect(node_b)
    auth = {"Authorization": f"Bearer {token}"}
    json_auth = {**auth, "Content-Type": "application/json"}
    status, headers, body = call(a, "POST", "/api/v1/manage/articles", {
        "title": "Fleet check", "slug": slug, "body_markdown": "Measured.",
        "section": "section-1", "authors": ["author-1"]}, json_auth)
    assert status == 201, (status, body)
    article_id = json.loads(body)["id"]
    status, headers, body = call(a, "POST", f"/api/v1/manage/articles/{article_id}/publish",
                                 headers={**auth, "If-Match": headers.get("etag") or headers.get("ETag")})
    assert status == 200, (status, body)
    etag = headers.get("etag") or headers.get("ETag")
    # Read once on node B, so the article is in its cache when the edits begin.
    status, _, body = call(b, "GET", f"/api/v1/articles/{slug}")
    assert status == 200, (status, body)
    delays = []
    for i in range(writes):
        title = f"Fleet check {time.time_ns()} #{i}"
        status, headers, body = call(
            a, "PATCH", f"/api/v1/manage/articles/{article_id}", {"title": title},
            {**auth, "If-Match": etag, "Content-Type": "application/json"})
        assert status == 200, (status, body)
        acknowledged = time.perf_counter()
        etag = headers.get("etag") or headers.get("ETag")
        while True:
            status, _, body = call(b, "GET", f"/api/v1/articles/{slug}")
            if status == 200 and json.loads(body)["title"] == title:
                delays.append((time.perf_counter() - acknowledged) * 1000)
                break
            if time.perf_counter() - acknowledged > 5:
                delays.append(5000.0)
                break
            time.sleep(0.001)
        time.sleep(0.02)
    delays.sort()
    pick = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))]
    print(json.dumps({"writes": writes, "p50_ms": round(pick(0.5), 2),
                      "p99_ms": round(pick(0.99), 2), "max_ms": round(delays[-1], 2)}))


if __name__ == "__main__":
    main()
