#!/usr/bin/env python3
"""Checks the built documentation site (docs/_site) the way a reader sees it: a few pages are opened in headless
Chromium over HTTP (the modern template's scripts are ES modules, which a browser will not run from file://), and the
rendered DOM must hold the page's code samples, highlighted (so the page's scripts ran), and the links that the
scripts or the cross-references add. A static pass first fails any empty code block: an include of a tagged block of
examples/Methods whose tag was renamed renders as an empty block without a DocFX warning.

Run by docs/build.sh after the build. Prints one PASS/FAIL line per check and ends with "checks: N passed, N failed".
Without chromium the page checks are skipped, except on CI (CI=true), where that is a failure (.ci/run installs it).
"""
import functools
import glob
import html.parser
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading

SITE = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "_site"))


class Dom(html.parser.HTMLParser):
    """The parts of a rendered page the checks read: each <code> element's text and classes, each link's href, the text."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.codes, self.links, self.headings, self._open_codes, self._heading = [], [], [], [], None
        self.text = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "code":
            self._open_codes.append([attrs.get("class") or "", ""])
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag in ("h1", "h2", "h3"):
            self._heading = [tag, attrs.get("data-uid") or "", ""]

    def handle_endtag(self, tag):
        if tag == "code" and self._open_codes:
            self.codes.append(tuple(self._open_codes.pop()))
        elif tag in ("h1", "h2", "h3") and self._heading:
            self.headings.append(tuple(self._heading))
            self._heading = None

    def handle_data(self, data):
        for code in self._open_codes:
            code[1] += data
        if self._heading:
            self._heading[2] += data
        self.text.append(data)


def code_with(needle, highlighted=False):
    """A <code> element holding the text (tags inside it, such as highlight.js's spans, ignored)."""
    def check(dom):
        hits = [c for c in dom.codes if needle in c[1]]
        if not hits:
            return f"no <code> element contains {needle!r}"
        if highlighted and not any("hljs" in c[0] for c in hits):
            return f"the <code> with {needle!r} was not highlighted (the page's scripts did not run)"
        return None
    return check


def link_to(suffix, why):
    def check(dom):
        return None if any(h.split("#")[0].endswith(suffix) for h in dom.links) else f"no link to {suffix} ({why})"
    return check


def heading(uid_prefix, level="h1"):
    def check(dom):
        return None if any(h[0] == level and h[1].startswith(uid_prefix) for h in dom.headings) \
            else f"no <{level}> for {uid_prefix}"
    return check


def text_with(needle):
    def check(dom):
        return None if needle in "".join(dom.text) else f"the page does not contain {needle!r}"
    return check


# Each page: what must be on it once rendered. The links checked here come from the side table of contents, which the
# page's scripts fetch and draw, or from a resolved cross-reference into the API pages.
PAGES = {
    "articles/getting-started.html": [
        code_with("dotnet run -c Release --project examples/Quickstart", highlighted=True),
        code_with("dotnet test MLNet.Distillation.sln", highlighted=True),
        link_to("articles/tasks/binary.html", "the side table of contents, drawn by the page's scripts"),
    ],
    "articles/tasks/binary.html": [
        code_with("ml.BinaryClassification.Trainers.Distillation(temperature: 4, alpha: 0.1f, seed: 1)", highlighted=True),
        link_to("api/MLNet.Distillation.Teacher.html", "a resolved cross-reference"),
    ],
    "articles/methods/dkd.html": [
        code_with("LossNames.DecoupledKnowledgeDistillation", highlighted=True),   # quoted from examples/Methods
        text_with("86.63 ± 0.19 %"),
    ],
    "articles/benchmarks/index.html": [
        text_with("Every method, side by side"),
        text_with("88.69 ± 0.22 %"),
    ],
    "api/MLNet.Distillation.Teacher.html": [
        heading("MLNet.Distillation.Teacher"),
        heading("MLNet.Distillation.Teacher.FromOnnx(", level="h3"),
        code_with("public static Teacher FromOnnx("),
    ],
    "api/MLNet.Distillation.Runtime.StudentModelLoader.html": [
        heading("MLNet.Distillation.Runtime.StudentModelLoader"),
        heading("MLNet.Distillation.Runtime.StudentModelLoader.Load(", level="h3"),
    ],
    "api/MLNet.Distillation.Reporting.DistillationReport.html": [
        heading("MLNet.Distillation.Reporting.DistillationReport"),
        heading("MLNet.Distillation.Reporting.DistillationReport.SaveHtml(", level="h3"),
    ],
}

results = []


def record(name, problems):
    results.append(not problems)
    print(f"{'PASS' if not problems else 'FAIL'} {name}" + "".join(f"\n       {p}" for p in problems))


def empty_code_blocks():
    problems = []
    for path in sorted(glob.glob(os.path.join(SITE, "**", "*.html"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            dom = Dom(f.read())
        for classes, text in dom.codes:
            if classes.startswith("lang-") and not text.strip():
                problems.append(f"{os.path.relpath(path, SITE)}: an empty {classes} block")
    return problems


def which_chromium():
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


def render(chromium, url):
    with tempfile.TemporaryDirectory(prefix="docs-chromium-") as profile:
        run = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
             f"--user-data-dir={profile}", "--virtual-time-budget=10000", "--dump-dom", url],
            capture_output=True, text=True, timeout=120)
    return run.stdout


def main():
    record("no empty code block on any page", empty_code_blocks())
    chromium = which_chromium()
    if chromium is None:
        if os.environ.get("CI") == "true":
            record("chromium is installed (CI must render the site's pages)", ["chromium not found"])
        else:
            print("chromium not found: the pages were not rendered (apt-get install chromium to check them)")
    else:
        quiet = type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(quiet, directory=SITE))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            for page, checks in PAGES.items():
                if not os.path.exists(os.path.join(SITE, page)):
                    record(page, ["not built"])
                    continue
                try:
                    dom = Dom(render(chromium, f"http://127.0.0.1:{server.server_port}/{page}"))
                except subprocess.TimeoutExpired:
                    record(page, ["chromium did not finish within 120 s"])
                    continue
                record(f"{page} renders in headless chromium", [p for p in (c(dom) for c in checks) if p])
        finally:
            server.shutdown()
    print(f"checks: {sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
