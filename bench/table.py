"""Prints bench/run.sh results as the Markdown tables BENCHMARKS.md shows.

    python3 bench/table.py results.json
"""
import json
import sys

KINDS = [
    ("a", "(a) section's latest 20, REST"),
    ("b", "(b) article + first 20 comments, REST"),
    ("c", "(c) article page, GraphQL POST"),
    ("d", "(d) article page, GraphQL APQ GET"),
    ("e1", "(e) article list, page 1"),
    ("e500", "(e) article list, page 500"),
]


def main():
    results = json.load(open(sys.argv[1]))
    runs = {
        (r["server"], r["cache"], r["kind"], r["connections"]): r["result"]
        for r in results["runs"]
    }
    connections = sorted({r["connections"] for r in results["runs"] if r["kind"] != "writes"})
    header = "| Request | " + " | ".join(
        f"{name} c={c}" for c in connections for name in ("cache off", "cache on", "nginx")
    ) + " |"
    print(header)
    print("|" + " --- |" * (1 + 3 * len(connections)))
    for kind, label in KINDS:
        cells = []
        for c in connections:
            for server, cache in (("newsdesk", "off"), ("newsdesk", "on"), ("nginx", "static")):
                r = runs.get((server, cache, kind, c))
                cells.append(
                    f"{r['rps']:,.0f} req/s, p99 {r['p99_ms']:.1f} ms" + (f", {r['errors']} errors" if r["errors"] else "")
                    if r
                    else "–"
                )
        print(f"| {label} | " + " | ".join(cells) + " |")
    print_cache_against_nginx(runs, connections)
    floors = [
        (kind, label, c, runs[("pgbench", "floor", kind, c)]["rps"], runs.get(("newsdesk", "off", kind, c)))
        for kind, label in KINDS
        for c in connections
        if ("pgbench", "floor", kind, c) in runs
    ]
    if floors:
        print()
        print("| Request | connections | pgbench, the same SQL | Newsdesk, cache off | share of the floor |")
        print("| --- | --- | --- | --- | --- |")
        for kind, label, c, floor, newsdesk in floors:
            served = f"{newsdesk['rps']:,.0f} req/s" if newsdesk else "–"
            share = f"{newsdesk['rps'] / floor:.0%}" if newsdesk else "–"
            print(f"| {label} | {c} | {floor:,.0f} tps | {served} | {share} |")
    rss = results.get("peak_rss_kb", {})
    print()
    print(
        "Peak RSS of the server: "
        + ", ".join(f"cache {k}: {v / 1024:.1f} MB" for k, v in sorted(rss.items()))
    )
    writes = next((r["result"] for r in results["runs"] if r["kind"] == "writes"), None)
    if writes:
        print()
        print(f"Write mix, {writes['workers']} workers: {writes['cycles_per_second']:,.1f} cycles/s")
        print()
        print("| step | requests | p50 | p99 | errors |")
        print("| --- | --- | --- | --- | --- |")
        for step in ("create", "publish", "comment", "approve"):
            w = writes[step]
            print(f"| {step} | {w['count']:,} | {w['p50_ms']:.1f} ms | {w['p99_ms']:.1f} ms | {w['errors']} |")


def print_cache_against_nginx(runs, connections):
    """The cached rate as a share of nginx's for the same response bytes; for
    (c), also of nginx answering the same POST, when the run has it."""
    rows = []
    for kind, label in KINDS:
        for c in connections:
            cached = runs.get(("newsdesk", "on", kind, c))
            static = runs.get(("nginx", "static", kind, c))
            if not (cached and static):
                continue
            post = runs.get(("nginx", "static-post", kind, c))
            same_post = f"{cached['rps'] / post['rps']:.0%} of {post['rps']:,.0f}" if post else "–"
            rows.append(f"| {label} | {c} | {cached['rps'] / static['rps']:.0%} of {static['rps']:,.0f} | {same_post} |")
    if rows:
        print()
        print("| Request | connections | cache on / nginx, GET | cache on / nginx, the same POST |")
        print("| --- | --- | --- | --- |")
        print("\n".join(rows))


if __name__ == "__main__":
    main()
