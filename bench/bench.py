"""`make bench`: how long the maintainer's commands take and how heavy the pages are, at 1x, 10x
and 100x data.

Everything runs on a throwaway copy of the project (the files a fresh clone would hold, plus any
uncommitted work), never on data/. For each scale, each run starts from the copy's data grown by
bench/synthetic.py and measures, in this order: a clean HTML build; a no-op `make book`; an HTML
rebuild after one new agreement row; a clean `make pdf`; `make check`; and, for each page, its own
HTML bytes, the bytes and requests of a cold load and the time until every chart is drawn in
headless Chromium with every non-local request blocked, and again on issue 10's slow connection
(1.6 Mbit/s, 150 ms latency, served gzipped; a timing that CPU load stretches, so it is measured
here rather than asserted in `make test`). At 1x only (their tests assert on the real
data) it also times `make test-fast` and the full `make test`. Each figure is the median of the
runs, with min and max, written to bench/results.json and printed as a Markdown table.

    python bench/bench.py                       # 3 runs at 1x, 10x and 100x (make bench)
    python bench/bench.py --quick               # 1 run at 1x and 10x, no PDF and no test suite
    python bench/bench.py --runs 5 --scales 1,100 --skip pdf,test
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import synthetic

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL = ("http://127.0.0.1", "file://", "data:", "blob:")
# Set on every page before its own scripts run: the moment every chart holds drawn marks.
CHARTS_DRAWN = """
(() => {
  const marks = 'svg .mark-symbol, svg .mark-rect, svg .mark-rule, svg .mark-text, svg .mark-line';
  function check() {
    const charts = [...document.querySelectorAll('.report-chart')];
    if (document.readyState !== 'loading' && charts.every(c => c.querySelector(marks))) {
      window.__chartsDrawn = performance.now();
      window.__charts = charts.length;
    } else {
      requestAnimationFrame(check);
    }
  }
  requestAnimationFrame(check);
})();
"""
BUILD_FIGURES = {
    # key: (what, target in seconds or None)
    "clean_html": ("clean HTML build (`make book`)", None),
    "noop_book": ("no-op `make book`", 4),
    "edit_rebuild": ("HTML rebuild after a one-row edit", 15),
    "pdf": ("clean `make pdf`", None),
    "check": ("`make check`", 2),
    "test_fast": ("`make test-fast`", 30),
    "test": ("full `make test` (from a clean _build)", 240),
}
PAGE_FIGURES = {
    "html_kb": ("own HTML, KB", 150),
    "transfer_kb": ("cold load, KB", 1500),
    "transfer_gzip_kb": ("cold load gzipped, KB", 1500),
    "requests": ("requests", None),
    "charts_ms": ("all charts drawn, ms", 1000),
    "charts_slow_ms": ("charts drawn on 1.6 Mbit/s, 150 ms, gzip, ms", 3000),
}
# Issue 10's slow connection, as Chromium's DevTools emulate it.
SLOW_CONNECTION = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6e6 / 8,
    "uploadThroughput": 750e3 / 8,
}
COMPRESSED = (".html", ".js", ".css", ".svg")
STEPS = ("clean", "noop", "edit", "pdf", "check", "pages", "fast", "test")


# `make check` with valid data and stale paragraphs: what it says after a data edit.
STALE = re.compile(r"^\d+ stale statements?: ", re.M)


class BuildFailed(Exception):
    """A step failed in the copy: its figure is missing from the results, with the reason."""


class Copy:
    """The project copy the bench builds, with the real Makefile and the project's .venv."""

    def __init__(self, folder: Path):
        self.root = folder
        files = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\0")
        for name in filter(None, files):
            source = ROOT / name
            if source.is_file() and not name.startswith("bench/results"):
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, folder / name)
        (folder / ".venv").symlink_to(VENV)
        self.data = {p.name: p.read_bytes() for p in (folder / "data").glob("*")}
        # The package of the copy, not the one .venv was installed from, runs the build.
        self.env = {**os.environ, "PYTHONPATH": str(folder / "src")}

    def reset_data(self, scale: int) -> int:
        for name, content in self.data.items():
            (self.root / "data" / name).write_bytes(content)
        return synthetic.scale(self.root, scale)

    def has_target(self, target: str) -> bool:
        dry = subprocess.run(["make", "-n", "-C", str(self.root), target], capture_output=True)
        return dry.returncode == 0

    def make(self, target: str, stale_ok: bool = False) -> float:
        """Run `make target` in the copy; return its wall time in seconds. With `stale_ok`, a
        run that fails only because paragraphs are stale counts (synthetic rows make them so)."""
        start = time.perf_counter()
        result = subprocess.run(
            ["make", "-C", str(self.root), target],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        output = result.stdout + result.stderr
        stale_only = "\nData OK: " in output and STALE.search(output)
        if result.returncode != 0 and not (stale_ok and stale_only):
            raise BuildFailed(f"`make {target}` failed:\n{(result.stdout + result.stderr)[-3000:]}")
        return seconds

    def clean(self, *names: str) -> None:
        """Remove these folders of _build/, or all of _build/."""
        for name in names or ("",):
            shutil.rmtree(self.root / "_build" / name, ignore_errors=True)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Gzipping(Quiet):
    """Sends text files gzipped (compressed once), as a web server that compresses would."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        wanted = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wanted and path.is_file() and path.suffix in COMPRESSED):
            return super().send_head()
        stat = path.stat()
        body = gzipped(path, stat.st_mtime_ns, stat.st_size)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(folder: Path, handler=Quiet) -> tuple[http.server.ThreadingHTTPServer, str]:
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def gzipped_size(path: Path) -> int:
    """What a web server that compresses would send for this file."""
    stat = path.stat()
    return gzipped_bytes(path, stat.st_mtime_ns, stat.st_size)


def gzipped_bytes(path: Path, mtime: int, size: int) -> int:
    return len(gzipped(path, mtime, size))


@functools.cache
def gzipped(path: Path, mtime: int, size: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6)


def slow_load(browser, url: str) -> float | None:
    """Milliseconds from navigation to every chart drawn on the slow connection, gzipped (None
    for a page without charts)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", SLOW_CONNECTION)
    page.add_init_script(CHARTS_DRAWN)
    page.goto(url, wait_until="load", timeout=120_000)
    page.wait_for_function("() => window.__chartsDrawn !== undefined", timeout=120_000)
    drawn = page.evaluate("() => window.__charts ? window.__chartsDrawn : null")
    context.close()
    return drawn


def measure_pages(html: Path) -> dict[str, dict[str, float]]:
    """Each chapter's own bytes, its cold load in a fresh browser, and when its charts are drawn."""
    from playwright.sync_api import sync_playwright

    pages = sorted(p.relative_to(html).as_posix() for p in (html / "chapters").glob("*.html"))
    httpd, base = serve(html)
    compressing, compressed_base = serve(html, Gzipping)
    results = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for name in pages:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                local: list[str] = []
                transfer = [0]

                def route(request_route):
                    url = request_route.request.url
                    if url.startswith(LOCAL):
                        request_route.continue_()
                    else:
                        request_route.abort()

                def finished(request, local=local, transfer=transfer):
                    sizes = request.sizes()
                    transfer[0] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
                    if request.url.startswith(base):
                        local.append(unquote(urlparse(request.url).path).lstrip("/"))

                page.route("**/*", route)
                page.on("requestfinished", finished)
                page.add_init_script(CHARTS_DRAWN)
                page.goto(f"{base}/{name}", wait_until="load")
                page.wait_for_function("() => window.__chartsDrawn !== undefined", timeout=60_000)
                page.wait_for_load_state("networkidle")
                results[name] = {
                    "html_kb": (html / name).stat().st_size / 1000,
                    "transfer_kb": transfer[0] / 1000,
                    "transfer_gzip_kb": sum(gzipped_size(html / path) for path in local) / 1000,
                    "requests": len(local),
                    "charts": page.evaluate("window.__charts"),
                    "charts_ms": page.evaluate("window.__chartsDrawn"),
                }
                context.close()
                if 'class="report-chart"' in (html / name).read_text(encoding="utf-8"):
                    slow = slow_load(browser, f"{compressed_base}/{name}")
                    results[name]["charts_slow_ms"] = slow
            browser.close()
    finally:
        httpd.shutdown()
        compressing.shutdown()
    return results


def summary(values: list[float]) -> dict:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "values": values,
    }


def bench_scale(
    copy: Copy, scale: int, args, busy: list[float], failures: list[str]
) -> tuple[dict, dict, int]:
    """Every figure at one scale, `args.runs` times; return build figures, page figures, rows."""
    timings: dict[str, list[float]] = {}
    pages: dict[str, dict[str, list[float]]] = {}
    steps = [s for s in STEPS if s not in args.skip]
    if scale != 1:
        steps = [s for s in steps if s not in ("fast", "test")]
    if "fast" in steps and not copy.has_target("test-fast"):
        steps.remove("fast")

    def failed(key: str, run: int, failure: Exception) -> None:
        failures.append(f"{scale}x run {run + 1}, {key}: {failure}")
        print(f"  {scale}x run {run + 1}: {key:13} FAILED\n{failure}", flush=True)

    def timed(key: str, target: str, run: int, stale_ok: bool = False) -> None:
        busy.append(os.getloadavg()[0])
        try:
            seconds = copy.make(target, stale_ok)
        except BuildFailed as failure:
            return failed(key, run, failure)
        timings.setdefault(key, []).append(seconds)
        print(f"  {scale}x run {run + 1}: {key:13} {seconds:7.1f} s", flush=True)

    rows = 0
    for run in range(args.runs):
        rows = copy.reset_data(scale)
        copy.clean()
        timed("clean_html", "book", run)
        if "noop" in steps:
            timed("noop_book", "book", run)
        if "edit" in steps:
            synthetic.add_one(copy.root, seed=run)
            timed("edit_rebuild", "book", run)
        if "pdf" in steps:
            copy.clean("work-pdf", "pdf")
            timed("pdf", "pdf", run)
        if "check" in steps:
            # As after an edit: the build left the validated dataset in its cache.
            copy.clean("dataset-cache")
            timed("check", "check", run, stale_ok=True)
        if "pages" in steps:
            busy.append(os.getloadavg()[0])
            try:
                measured = measure_pages(copy.root / "_build" / "html")
            except Exception as failure:  # a page that never draws its charts, or no book
                failed("pages", run, failure)
                measured = {}
            for name, figures in measured.items():
                for key, value in figures.items():
                    pages.setdefault(name, {}).setdefault(key, []).append(value)
        # The test suites assert on the real data (the seed table's 23 agreements).
        if "fast" in steps:
            copy.reset_data(1)
            timed("test_fast", "test-fast", run)
        if "test" in steps and run < (args.test_runs or args.runs):
            copy.reset_data(1)
            copy.clean()
            timed("test", "test", run)
    return (
        {key: summary(values) for key, values in timings.items()},
        {name: {k: summary(v) for k, v in figures.items()} for name, figures in pages.items()},
        rows,
    )


def commit() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True).stdout
    return head + ("+uncommitted" if dirty.strip() else "")


def cell(figure: dict | None, digits: int = 1) -> str:
    if not figure:
        return "–"
    if figure["min"] == figure["max"]:
        return f"{figure['median']:.{digits}f}"
    return f"{figure['median']:.{digits}f} ({figure['min']:.{digits}f}–{figure['max']:.{digits}f})"


def table(results: dict) -> str:
    scales = [str(s) for s in results["scales"]]
    first, last = scales[0], scales[-1]
    lines = [
        f"Commit {results['commit']}, {results['cpus']} CPUs, {results['date']}; "
        f"{results['runs']} runs; load average during the runs "
        f"{results['load']['mean']:.1f} (max {results['load']['max']:.1f}).",
        "",
        "| figure | "
        + " | ".join(f"{s}x ({results['agreements'][s]} agreements)" for s in scales)
        + (f" | {last}x / {first}x" if len(scales) > 1 else "")
        + " | target |",
        "| --- |" + " --- |" * (len(scales) + (2 if len(scales) > 1 else 1)),
    ]
    for key, (what, target) in BUILD_FIGURES.items():
        figures = [results["figures"][s].get(key) for s in scales]
        if not any(figures):
            continue
        row = f"| {what}, s | " + " | ".join(cell(f) for f in figures)
        if len(scales) > 1:
            ratio = results["ratios"].get(key)
            row += f" | {ratio:.2f}" if ratio else " | –"
        lines.append(row + f" | {f'≤ {target} s' if target else '–'} |")
    page_names = sorted(results["pages"].get(first, {}))
    if page_names:
        lines += [
            "",
            f"Pages, median per page at {' / '.join(s + 'x' for s in scales)}:",
            "",
            "| page | " + " | ".join(what for what, _ in PAGE_FIGURES.values()) + " |",
            "| --- |" + " --- |" * len(PAGE_FIGURES),
        ]
        targets = [f"≤ {t}" if t else "–" for _, t in PAGE_FIGURES.values()]
        lines.append("| *target* | " + " | ".join(targets) + " |")
        for name in page_names:
            cells = []
            for key in PAGE_FIGURES:
                values = [
                    results["pages"].get(s, {}).get(name, {}).get(key, {}).get("median")
                    for s in scales
                ]
                cells.append(" / ".join("–" if v is None else f"{v:.0f}" for v in values))
            lines.append(f"| {name.removeprefix('chapters/')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--scales", default="1,10,100", help="data sizes, times the real data")
    parser.add_argument("--test-runs", type=int, default=0, help="runs of the full make test")
    parser.add_argument(
        "--skip", default="", help=f"comma-separated steps to leave out, of {', '.join(STEPS)}"
    )
    parser.add_argument("--quick", action="store_true", help="1 run at 1x and 10x, no pdf/test")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.scales, args.skip = 1, "1,10", args.skip + ",pdf,test"
    args.skip = {s for s in args.skip.split(",") if s}
    scales = [int(s) for s in args.scales.split(",")]

    # The copy shares .venv: bring it up to date first, so no build in the copy reinstalls it.
    subprocess.run(["make", "-C", str(ROOT), str(VENV / ".installed")], check=True)
    busy: list[float] = []
    results = {
        "commit": commit(),
        "cpus": os.cpu_count(),
        "date": dt.datetime.now().isoformat(timespec="minutes"),
        "runs": args.runs,
        "scales": scales,
        "agreements": {},
        "figures": {},
        "pages": {},
        "failures": [],
    }
    with tempfile.TemporaryDirectory(prefix="indopacific-bench-") as folder:
        copy = Copy(Path(folder))
        for scale in scales:
            print(f"Scale {scale}x", flush=True)
            figures, pages, rows = bench_scale(copy, scale, args, busy, results["failures"])
            key = str(scale)
            results["figures"][key], results["pages"][key] = figures, pages
            results["agreements"][key] = rows
    results["load"] = {"mean": statistics.mean(busy), "max": max(busy)}
    first, last = str(scales[0]), str(scales[-1])
    results["ratios"] = {
        key: results["figures"][last][key]["median"] / results["figures"][first][key]["median"]
        for key in results["figures"][last]
        if key in results["figures"][first]
    }
    args.output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print()
    print(table(results))
    for failure in results["failures"]:
        print(f"\nFAILED: {failure.splitlines()[0]}")
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
