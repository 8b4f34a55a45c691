"""The report's HTML pages: built from the lessons' outputs, and checked in a real browser."""

import re
import shutil
import subprocess

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from paddle_course.report import catalog  # noqa: E402
from paddle_course.report.claims import Claim, judge, verdict  # noqa: E402
from paddle_course.report.site import build_site, markdown_tables  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# counts what the browser loaded, once the page and its images are in (test-only, not in the site)
PROBE = """<script>window.addEventListener('load', () => {
  const imgs = [...document.images];
  document.body.dataset.images = imgs.length;
  document.body.dataset.broken = imgs.filter(i => !i.complete || i.naturalWidth === 0).length;
  document.body.dataset.tables = document.querySelectorAll('table').length;
});</script></body>"""


def _outputs(root):
    """What the fake course's lessons would have written: tables and a figure."""
    first = root / "runs/outputs/ch01_a/first"
    (first / "plots").mkdir(parents=True)
    (first / "results.md").write_text(
        "| variant | val_acc |\n|---|---|\n| plain | 0.91 |\n| a<b | 0.93 |\n"
    )
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [1, 0])
    fig.savefig(first / "plots" / "curve.png")
    plt.close(fig)
    (root / "runs/outputs/ch02_b/third").mkdir(parents=True)


def _build(course, monkeypatch):
    monkeypatch.chdir(course)
    _outputs(course)
    lessons = catalog.lessons("fakecourse")
    runs = {
        "fakecourse.ch01_a.first": {
            "args": ["--quick"],
            "returncode": 0,
            "seconds": 2.0,
            "finished": "2026-11-22T10:00:00+00:00",
        }
    }
    claim = Claim(
        1, "first works", "002", ("ch01_a.first",), lambda r: (verdict(True), {"x": 1}), "x is 1"
    )
    rows = [judge(claim, {"chapters.ch01_a.first": {}}, {})]
    rows[0]["lessons"] = ["ch01_a.first"]
    return build_site(
        course / "site", lessons, runs, rows, {"CPU": "test", "Paddle": "3.3.1"}, course / "runs"
    )


def test_pages_hold_each_lessons_command_tables_figures_and_claim_links(course, monkeypatch):
    pages = _build(course, monkeypatch)
    assert sorted(p.name for p in pages) == [
        "ch01_a.html",
        "ch02_b.html",
        "claims.html",
        "index.html",
    ]
    chapter = (course / "site/ch01_a.html").read_text()
    assert "python -m fakecourse.ch01_a.first --quick" in chapter and "not results" in chapter
    assert "<td>a&lt;b</td>" in chapter  # table cells are escaped
    assert 'src="figures/fakecourse.ch01_a.first/plots/curve.png"' in chapter
    assert (course / "site/figures/fakecourse.ch01_a.first/plots/curve.png").is_file()
    assert 'href="claims.html#claim-1"' in chapter
    assert (
        "<p>The first lesson shows one thing.</p>" in chapter and "not the summary" not in chapter
    )
    assert "<td>Chapter ch01_a: fake.</td>" in (course / "site/index.html").read_text()
    assert "not run yet" in chapter and "no table or figure yet" in chapter  # lesson "second"
    claims = (course / "site/claims.html").read_text()
    assert 'id="claim-1"' in claims and 'href="ch01_a.html#first"' in claims
    assert "Paddle</th><td>3.3.1" in (course / "site/index.html").read_text()


def test_markdown_tables_become_html_tables():
    out = markdown_tables("# title\n| a | b |\n|---|---|\n| 1 | 2 |\n\ntext after")
    assert out == (
        "<p>title</p>\n<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr>"
        "</table>\n<p>text after</p>"
    )


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium (Debian package 'chromium'; .ci/run installs it where it can)",
)
def test_every_page_loads_its_images_and_tables_in_a_real_browser(course, monkeypatch, tmp_path):
    pages = _build(course, monkeypatch)
    expected = {
        "ch01_a.html": (1, 1),
        "ch02_b.html": (0, 0),
        "claims.html": (0, 1),
        "index.html": (0, 2),
    }
    for page in pages:
        probe = page.with_name(f"probe_{page.name}")  # same folder: same relative links
        probe.write_text(page.read_text().replace("</body>", PROBE))
        done = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={tmp_path / 'chromium'}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                probe.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        body = re.search(r"<body([^>]*)>", done.stdout)
        assert body, (page.name, done.stderr[-500:])
        seen = dict(re.findall(r'data-(\w+)="(\d+)"', body.group(1)))
        images, tables = expected[page.name]
        assert seen == {"images": str(images), "broken": "0", "tables": str(tables)}, page.name


def test_a_pipe_in_a_results_cell_stays_in_its_cell(tmp_path):
    """write_results escapes a "|" in a variant's name; the site reads it back as one cell."""
    from paddle_course.lesson.results import write_results

    write_results(tmp_path, {"a | b": {"acc": 0.5}}, ["acc"], quick=False)
    md = (tmp_path / "results.md").read_text()
    assert "| a \\| b | 0.5 |" in md
    html = markdown_tables(md)
    assert "<td>a | b</td><td>0.5</td>" in html and html.count("<td>") == 2
