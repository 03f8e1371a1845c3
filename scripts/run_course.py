"""Run the whole course headless: execute every notebook into build/, render HTML, print a table.

    python3 course.py run            # all notebooks
    python3 course.py run notebooks/01_*.ipynb

The committed notebooks are never rewritten: executed copies go to build/notebooks/ and HTML to
build/html/. The table lists each notebook, its wall time and whether its asserted claims held
(a notebook's claims are `assert` statements; one that fails stops the notebook). The times are
also written to build/timings.csv. Exits non-zero if any notebook failed or ran past its budget.
"""

import csv
import sys

import nbformat
from nbconvert import HTMLExporter

from notebooks import ROOT, count_asserts, course_notebooks, execute

BUILD = ROOT / "build"
BUDGET_SECONDS = 120


def main(paths):
    (BUILD / "notebooks").mkdir(parents=True, exist_ok=True)
    (BUILD / "html").mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter()
    rows = []
    for path in course_notebooks(paths):
        notebook, seconds, error = execute(path)
        nbformat.write(notebook, BUILD / "notebooks" / path.name)
        html, _ = exporter.from_notebook_node(notebook)
        (BUILD / "html" / path.with_suffix(".html").name).write_text(html, encoding="utf-8")
        claims = f"FAILED: {error[:70]}" if error else f"held ({count_asserts(notebook)} asserts)"
        rows.append((path.name, seconds, claims))
        print(f"{path.name}: {seconds:.1f} s, claims {claims}", flush=True)

    width = max(len(name) for name, _, _ in rows)
    print(f"\n{'notebook':<{width}}  {'seconds':>7}  claims")
    for name, seconds, claims in rows:
        over = "  OVER BUDGET" if seconds > BUDGET_SECONDS else ""
        print(f"{name:<{width}}  {seconds:7.1f}  {claims}{over}")
    print(f"{'total':<{width}}  {sum(seconds for _, seconds, _ in rows):7.1f}")
    print(f"\nHTML: {BUILD / 'html'}")
    with open(BUILD / "timings.csv", "w", newline="") as handle:
        csv.writer(handle).writerows([("notebook", "seconds", "claims"), *rows])
    failed = [row for row in rows if row[2].startswith("FAILED") or row[1] > BUDGET_SECONDS]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
