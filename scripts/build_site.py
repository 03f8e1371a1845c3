"""Build the course website from the committed notebooks and the outputs they store.

    python3 course.py site                                   # every notebook -> build/site/
    .venv/bin/python scripts/build_site.py notebooks/0[0-2]_*.ipynb   # only these notebooks

Nothing is executed: each page shows the outputs recorded by `python3 course.py record`, so a
notebook with a code cell that was never run stops the build. The notebooks, the quizzes, the data
cards (`datasets/*/README.md`) and a landing page made from README.md and site/index.md are copied
into build/site-src/ with the same layout as the repository (links between them keep working);
Jupyter Book 1 writes the Sphinx configuration there and Sphinx + MyST-NB build the HTML into
build/site/. MathJax ships with the build (sphinx-mathjax-offline): the site needs no internet.
"""

import argparse
import re
import shutil
import string
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import yaml

from notebooks import course_notebooks

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "site"
SOURCE_DIR = ROOT / "build" / "site-src"
OUTPUT_DIR = ROOT / "build" / "site"
# A table row whose first cell is a name in backticks: | `05_lstm_gates` | what it teaches |
TABLE_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$", re.MULTILINE)


class SiteError(Exception):
    """The site cannot be built; the message says why and names the fix."""


def quizzes():
    return sorted((ROOT / "notebooks" / "quizzes").glob("quiz_*.ipynb"))


def data_cards():
    return sorted((ROOT / "datasets").glob("*/README.md"))


def never_run_cell(path):
    """The number (from 1) of the first code cell with source but no execution count, or None."""
    notebook = nbformat.read(path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        if cell.source.strip() and cell.get("execution_count") is None:
            return number
    return None


def check_recorded(notebooks):
    """Raise SiteError for the first notebook with a code cell that was never run."""
    for path in notebooks:
        number = never_run_cell(path)
        if number is not None:
            name = f"notebooks/{path.name}"
            raise SiteError(
                f"{name}: code cell {number} was never run, so it has no output to "
                f"show; record it with `python3 course.py record {name}`"
            )


def table_rows(markdown):
    """{first cell: [other cells]} of the markdown table rows whose first cell is in backticks."""
    return {
        name: [cell.strip() for cell in rest.split("|")]
        for name, rest in TABLE_ROW.findall(markdown)
    }


def section(markdown, heading):
    """The text under `## heading` up to the next heading of that level."""
    return markdown.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def readme_commands(readme):
    """The lines of the first bash block under README's "Two commands"."""
    block = section(readme, "Two commands").split("```bash\n", 1)[1]
    return block.split("```", 1)[0].rstrip()


def link_or_name(name, page, built):
    """A markdown link to `page` if it is part of the site, else the name alone."""
    return f"[`{name}`]({page})" if page in built else f"`{name}`"


def notebook_map(readme, built):
    """README's table of notebooks, each name linked to its page."""
    lines = ["| notebook | what it teaches |", "|---|---|"]
    for name, (description, *_) in table_rows(section(readme, "The notebooks")).items():
        page = f"notebooks/{name}.ipynb"
        lines.append(f"| {link_or_name(name, page, built)} | {description} |")
    return "\n".join(lines)


def quiz_list(built):
    return "\n".join(
        f"- {link_or_name(path.stem, f'notebooks/quizzes/{path.name}', built)}"
        for path in quizzes()
    )


def assignment_table(assignments_readme):
    """The assignments with what the student does and the points, from assignments/README.md."""
    lines = ["| assignment | what the student does | points (auto + written) |", "|---|---|---|"]
    for name, (task, points, *_) in table_rows(assignments_readme).items():
        if (ROOT / "assignments" / "source" / name).is_dir():
            lines.append(f"| `{name}` | {task} | {points} |")
    return "\n".join(lines)


def data_card_list(built):
    """One line per data card: its title, linked to its page."""
    lines = []
    for path in data_cards():
        page = path.relative_to(ROOT).as_posix()
        title = path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
        lines.append(f"- [{title}]({page})" if page in built else f"- {title}")
    return "\n".join(lines)


def landing_page(built):
    """site/index.md with the parts taken from README.md and assignments/README.md filled in."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assignments_readme = (ROOT / "assignments" / "README.md").read_text(encoding="utf-8")
    template = string.Template((TEMPLATES / "index.md").read_text(encoding="utf-8"))
    return template.substitute(
        introduction=readme.split("\n\n", 2)[1],
        commands=readme_commands(readme),
        notebook_map=notebook_map(readme, built),
        quizzes=quiz_list(built),
        assignments=assignment_table(assignments_readme),
        data_cards=data_card_list(built),
    )


def site_pages(notebooks):
    """{part caption: {page path in the site: file to copy}}, in the order of the navigation.
    Pages keep their place in the repository, so relative links between them resolve."""
    return {
        "Notebooks": {f"notebooks/{path.name}": path for path in notebooks},
        "Quizzes": {f"notebooks/quizzes/{path.name}": path for path in quizzes()},
        "Data cards": {path.relative_to(ROOT).as_posix(): path for path in data_cards()},
    }


def table_of_contents(parts):
    """Jupyter Book's _toc.yml: the landing page, then one part per caption."""

    def chapters(pages):
        return [{"file": Path(page).with_suffix("").as_posix()} for page in pages]

    return {
        "format": "jb-book",
        "root": "index",
        "parts": [
            {"caption": caption, "chapters": chapters(pages)}
            for caption, pages in parts.items()
            if pages
        ],
    }


def stage(notebooks, source_dir):
    """Copy the pages into a fresh `source_dir` and write index.md, _config.yml and _toc.yml;
    returns the number of pages."""
    parts = site_pages(notebooks)
    pages = {page: path for part in parts.values() for page, path in part.items()}
    shutil.rmtree(source_dir, ignore_errors=True)
    for page, path in pages.items():
        (source_dir / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, source_dir / page)
    (source_dir / "index.md").write_text(landing_page(set(pages)), encoding="utf-8")
    shutil.copyfile(TEMPLATES / "_config.yml", source_dir / "_config.yml")
    toc = yaml.safe_dump(table_of_contents(parts), sort_keys=False)
    (source_dir / "_toc.yml").write_text(toc, encoding="utf-8")
    return len(pages) + 1


def run_quietly(command):
    """Run a command; on failure raise SiteError with the end of its output."""
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-20:])
        raise SiteError(f"{' '.join(map(str, command[:4]))} failed:\n{tail}")
    return result.stderr


def build(notebooks, source_dir=SOURCE_DIR, output_dir=OUTPUT_DIR):
    """Stage the pages, let Jupyter Book write conf.py, build the HTML; returns the page count."""
    check_recorded(notebooks)
    pages = stage(notebooks, source_dir)
    jupyter_book = shutil.which("jupyter-book", path=str(Path(sys.executable).parent))
    if jupyter_book is None:
        raise SiteError(
            f"jupyter-book is not installed next to {sys.executable}; "
            "`python3 course.py site` installs requirements.txt first"
        )
    run_quietly([jupyter_book, "config", "sphinx", str(source_dir)])
    shutil.rmtree(output_dir, ignore_errors=True)
    warnings = run_quietly(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-q",
            "-d",
            str(source_dir / "_doctrees"),
            str(source_dir),
            str(output_dir),
        ]
    )
    if warnings.strip():
        print(warnings.rstrip(), file=sys.stderr)
    return pages


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="numbered notebooks to include (default: all of them)",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR, help="default: build/site")
    arguments = parser.parse_args(argv)
    notebooks = [path.resolve() for path in arguments.notebooks] or course_notebooks()
    started = time.perf_counter()
    try:
        pages = build(notebooks, output_dir=arguments.output.resolve())
    except SiteError as error:
        print(error, file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    print(f"built {pages} pages in {seconds:.0f} s: {arguments.output.resolve() / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
