"""Draws bench/run.sh results as an SVG: requests/s and p99 latency per
request kind, for the response cache off and on and nginx serving the same
bytes (to a GET, and to (c)'s own POST), at one connection count. Log
scales: they differ by 10-50x.

    python3 bench/chart.py results.json chart.svg [connections]
"""
import json
import math
import sys

KINDS = ["a", "b", "c", "d", "e1", "e500"]
LABELS = {
    "a": "(a) section list",
    "b": "(b) article+comments",
    "c": "(c) GraphQL POST",
    "d": "(d) GraphQL APQ GET",
    "e1": "(e) list page 1",
    "e500": "(e) list page 500",
}
SERIES = [
    ("newsdesk", "off", "cache off", "#c0504d"),
    ("newsdesk", "on", "cache on", "#4f81bd"),
    ("nginx", "static", "nginx, static file", "#9bbb59"),
    ("nginx", "static-post", "nginx, (c)'s POST", "#f79646"),
]


def panel(out, runs, metric, title, unit, x0, y0, width, height):
    values = [r["result"][metric] for r in runs.values() if r["result"][metric] > 0]
    low = 10 ** math.floor(math.log10(min(values)))
    high = 10 ** math.ceil(math.log10(max(values)))
    scale = lambda v: height * (math.log10(max(v, low)) - math.log10(low)) / (
        math.log10(high) - math.log10(low)
    )
    out.append(f'<text x="{x0}" y="{y0 - 12}" font-weight="bold">{title}</text>')
    decade = low
    while decade <= high:
        y = y0 + height - scale(decade)
        out.append(f'<line x1="{x0}" x2="{x0 + width}" y1="{y}" y2="{y}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 - 6}" y="{y + 4}" text-anchor="end" font-size="11">{decade:g}{unit}</text>')
        decade *= 10
    group = width / len(KINDS)
    bar = group / (len(SERIES) + 1)
    for k, kind in enumerate(KINDS):
        gx = x0 + k * group
        for s, (server, cache, _, colour) in enumerate(SERIES):
            run = runs.get((server, cache, kind))
            if not run:
                continue
            v = run["result"][metric]
            h = scale(v)
            x = gx + bar * (s + 0.5)
            out.append(
                f'<rect x="{x:.1f}" y="{y0 + height - h:.1f}" width="{bar * 0.9:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{v:g}{unit}</title></rect>'
            )
            out.append(
                f'<text x="{x + bar * 0.45:.1f}" y="{y0 + height - h - 3:.1f}" '
                f'text-anchor="middle" font-size="9">{v:,.0f}</text>'
                if metric == "rps"
                else f'<text x="{x + bar * 0.45:.1f}" y="{y0 + height - h - 3:.1f}" '
                f'text-anchor="middle" font-size="9">{v:.1f}</text>'
            )
        out.append(
            f'<text x="{gx + group / 2:.1f}" y="{y0 + height + 16}" text-anchor="middle" '
            f'font-size="11">{LABELS[kind]}</text>'
        )


def main():
    results = json.load(open(sys.argv[1]))
    target = sys.argv[2]
    connections = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    runs = {
        (r["server"], r["cache"], r["kind"]): r
        for r in results["runs"]
        # The pgbench floor has throughput only; the chart draws what HTTP served.
        if r["connections"] == connections and r["server"] != "pgbench"
    }
    width, height = 980, 640
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="20" y="24" font-size="15" font-weight="bold">Newsdesk on '
        f'{results["database"]}, {results["dataset"]["articles"]:,} articles, '
        f'{connections} connections, {results["machine"]["cpus"]} cores shared with wrk</text>',
    ]
    panel(out, runs, "rps", "requests per second (log scale)", "", 80, 70, 860, 220)
    panel(out, runs, "p99_ms", "p99 latency, ms (log scale)", "", 80, 370, 860, 200)
    for s, (_, _, label, colour) in enumerate(SERIES):
        x = 80 + s * 200
        out.append(f'<rect x="{x}" y="{height - 24}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 18}" y="{height - 14}">{label}</text>')
    out.append("</svg>")
    open(target, "w").write("\n".join(out))


if __name__ == "__main__":
    main()
