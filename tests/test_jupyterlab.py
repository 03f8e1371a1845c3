"""The notebooks in a real JupyterLab, driven headless through Debian's chromium.

A local `jupyter lab` serves a temporary copy of `notebooks/`; Playwright drives the system
chromium (no browser download). Notebook 00 and one training notebook are run end to end through
the JupyterLab UI (run all cells, save), then the saved file is checked for errors and figures.
Every other notebook is opened to check that it loads and renders its stored outputs. A screenshot
of each notebook run end to end is kept in build/test-artifacts/.

Where chromium is missing the tests skip with how to install it; `.ci/run` sets
COURSE_REQUIRE_BROWSER=1, which turns that skip into a failure.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import lab as lab_settings  # noqa: E402

ARTIFACTS = ROOT / "build" / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TOKEN = "course-test-token"
RUN_END_TO_END = [
    "00_welcome_and_setup.ipynb",
    "04_vanishing_and_exploding_gradients.ipynb",
    "19_appendix_scaling_out.ipynb",
]  # welcome, training, two logical devices
RUN_TIMEOUT_SECONDS = 240
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


def _require_browser():
    if Path(CHROMIUM).exists():
        return
    message = (
        "Debian's chromium is not installed: `sudo apt-get install chromium` "
        "(the tests drive /usr/bin/chromium)"
    )
    if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _course_notebooks():
    return sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running `jupyter lab` on a copy of notebooks/; yields (base URL, folder it serves)."""
    _require_browser()
    served = tmp_path_factory.mktemp("lab") / "notebooks"
    shutil.copytree(ROOT / "notebooks", served, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    # the students' set-up of `course.py lab`, plus: render every cell (no virtual scrolling), so
    # outputs far down a notebook are in the page
    port = _free_port()
    env = {
        **{name: value for name, value in os.environ.items() if name != "COURSE_UTILS_PROGRESS"},
        **lab_settings.write_settings(
            tmp_path_factory.mktemp("lab-settings"),
            settings={"@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"}},
        ),
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }  # the kernels show the live training display, as in a student's JupyterLab
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}",
            f"--notebook-dir={served}",
            "--LabApp.expose_app_in_browser=True",
            "--ServerApp.open_browser=False",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("jupyter lab did not start within 60 s")
    yield base, served
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _open(browser, lab, name, wait_for_kernel=True):
    base, _ = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # A workspace of its own, reset: JupyterLab would otherwise reopen the notebooks of earlier
    # tests.
    page.goto(f"{base}/lab/workspaces/test-{Path(name).stem}/tree/{name}?reset&token={TOKEN}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    if not wait_for_kernel:
        return page
    # The kernel is ready when the toolbar's status says so through the app's session context.
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget; return w && w.sessionContext && "
        "w.sessionContext.session && w.sessionContext.session.kernel && "
        "w.sessionContext.session.kernel.status === 'idle'; }",
        timeout=90_000,
    )
    return page


def code_cells_in(name):
    return sum(
        cell["cell_type"] == "code"
        for cell in json.loads((ROOT / "notebooks" / name).read_text())["cells"]
    )


def _errors_and_images(notebook):
    errors, images = [], 0
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                errors.append(f"cell {index}: {output['ename']}: {output['evalue']}")
            images += "image/png" in output.get("data", {})
    return errors, images


@pytest.mark.parametrize("name", RUN_END_TO_END)
def test_run_all_cells_in_jupyterlab(browser, lab, name):
    _, served = lab
    if not (served / name).exists():
        pytest.fail(f"{name} is missing from notebooks/")
    page = _open(browser, lab, name)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # Done when every code cell has an execution count (or one failed) and the kernel is idle again.
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget; const model = w.content.model;"
        " const cells = Array.from({length: model.cells.length}, (_, i) => model.cells.get(i))"
        "   .filter(c => c.type === 'code' && c.sharedModel.getSource().trim());"
        " const failed = cells.some(c => c.outputs.toJSON().some(o => o.output_type === 'error'));"
        " const done = cells.every(c => c.executionCount !== null);"
        " return (failed || done) && w.sessionContext.session.kernel.status === 'idle'; }",
        timeout=RUN_TIMEOUT_SECONDS * 1000,
        polling=1000,
    )
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"jupyterlab_{Path(name).stem}.png"), full_page=True)
    rendered_images = page.locator(".jp-OutputArea-output img").count()
    page.close()

    saved = json.loads((served / name).read_text())
    errors, images = _errors_and_images(saved)
    assert not errors, f"{name} stored errors after Run All in JupyterLab: {errors}"
    code_cells = [
        cell
        for cell in saved["cells"]
        if cell["cell_type"] == "code" and "".join(cell["source"]).strip()
    ]
    assert all(cell["execution_count"] for cell in code_cells), f"{name}: some cells did not run"
    committed_images = _errors_and_images(json.loads((ROOT / "notebooks" / name).read_text()))[1]
    assert images == committed_images, (
        f"{name}: {images} figures after the run, {committed_images} committed"
    )
    assert rendered_images >= images, (
        f"{name}: {images} figures saved but {rendered_images} shown in the page"
    )


@pytest.mark.parametrize(
    "name", [name for name in _course_notebooks() if name not in RUN_END_TO_END]
)
def test_notebook_opens_and_renders_stored_outputs(browser, lab, name):
    page = _open(browser, lab, name, wait_for_kernel=False)
    page.wait_for_function(
        f"() => document.querySelectorAll('.jp-CodeCell').length >= {code_cells_in(name)}",
        timeout=60_000,
    )
    stored = json.loads((ROOT / "notebooks" / name).read_text())
    _, images = _errors_and_images(stored)
    outputs = sum(len(cell.get("outputs", [])) for cell in stored["cells"])
    code_cells = sum(cell["cell_type"] == "code" for cell in stored["cells"])
    assert page.locator(".jp-CodeCell").count() == code_cells, (
        f"{name}: not every code cell rendered"
    )
    assert page.locator(".jp-OutputArea-output").count() >= min(outputs, 1), (
        f"{name}: no stored output rendered"
    )
    assert page.locator(".jp-OutputArea-output img").count() == images, (
        f"{name}: stored figures not rendered"
    )
    page.close()


def test_students_lab_is_quiet_and_has_no_grading_menus(browser, lab):
    page = _open(browser, lab, "00_welcome_and_setup.ipynb", wait_for_kernel=False)
    page.wait_for_timeout(3000)  # the news question would pop up within a second or two
    plugins = page.evaluate(
        "ids => ids.map(id => window.jupyterapp.hasPlugin(id))",
        [*lab_settings.LECTURER_ONLY, "@jupyter/nbgrader:validate-assignment"],
    )
    text = page.inner_text("body")
    page.close()
    assert plugins == [False] * len(lab_settings.LECTURER_ONLY) + [True], plugins
    assert "news" not in text.lower(), "JupyterLab asked about Jupyter news"
    assert "Formgrader" not in text and "Nbgrader" not in text, "instructor menus are visible"


def _page_config(environment):
    config = Path(environment["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0])
    return json.loads((config / "labconfig" / "page_config.json").read_text())


def test_lecturer_settings_keep_the_grading_menus(tmp_path):
    student = _page_config(lab_settings.write_settings(tmp_path / "s"))
    lecturer_env = lab_settings.write_settings(tmp_path / "l", lecturer=True)
    lecturer = _page_config(lecturer_env)
    assert sorted(student["disabledExtensions"]) == sorted(lab_settings.LECTURER_ONLY)
    assert lecturer["disabledExtensions"] == {}
    news = Path(lecturer_env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
    assert json.loads((news / "notification.jupyterlab-settings").read_text()) == {
        "fetchNews": "false"
    }


EXPLORER_CELLS = [
    "import course_utils, keras, numpy as np\nfrom course_utils import explore",
    # 04: spectral radius
    "explore.spectral_radius_explorer(units=16, steps=30).show()",
    # 05: gates on a typed sentence (a small untrained model: the explorer is what is tested)
    "words = course_utils.data.Vocabulary.from_sequences(\n"
    "    ['Ravi grew up in France .'.split(), 'His sister lives in Paris .'.split()])\n"
    "embedding = keras.layers.Embedding(len(words), 4)\n"
    "rnn = keras.layers.RNN(course_utils.LSTMCell(3))\n"
    "rnn(embedding(np.zeros((1, 2), 'int32')))\n"
    "explore.gate_explorer(rnn, embedding, words, sentence='Ravi grew up in France .').show()",
    # 12: attention of each output token (random weights: the explorer is what is tested)
    "source = 'eight hundred and sixty - five'.split()\n"
    "target = 'acht hundert fünf und sechzig <end>'.split()\n"
    "weights = np.random.default_rng(0).dirichlet(np.ones(len(source)), size=len(target))\n"
    "explore.attention_explorer({'random weights': weights}, source, target).show()",
    # 13: beam width, on a small untrained translator whose vocabulary has 6 tokens
    "from course_utils.decoding import seq2seq_step_fn\n"
    "from course_utils.layers.seq2seq import Decoder, Encoder, Seq2Seq\n"
    "keras.utils.set_random_seed(3)\n"
    "vocabulary = course_utils.data.Vocabulary(['a', 'b', 'c'], start_end=True)\n"
    "cell = course_utils.LSTMCell\n"
    "model = Seq2Seq(Encoder(9, 4, cell(6)),\n"
    "                Decoder(len(vocabulary), 4, cell(6), attention='luong_dot'))\n"
    "inputs = np.array([[3, 4, 5, 0], [4, 4, 0, 0], [5, 3, 4, 0], [3, 0, 0, 0], [5, 5, 5, 0]])\n"
    "model((inputs, np.ones((5, 2), np.int32)))\n"
    "step_fn, state = seq2seq_step_fn(model, inputs)\n"
    "references = [['a', 'b'], ['b'], ['c', 'a', 'b'], ['a'], ['c', 'c']]\n"
    "explore.beam_width_explorer(step_fn, state, references, vocabulary, 4, max_width=12).show()",
]


def _explorer_figure(explorer):
    """The src of the figure an explorer shows now ('' when it shows none)."""
    return explorer.evaluate(
        "e => { const image = e.querySelector('.course-explorer-figure img');"
        " return image ? image.src : ''; }"
    )


def _wait_for_change(page, explorer, before, what):
    for _ in range(60):
        message = explorer.locator(".course-explorer-message").inner_text().strip()
        now = _explorer_figure(explorer)
        if message or (now and now != before):
            return message, now
        page.wait_for_timeout(500)
    pytest.fail(f"{what}: neither the figure nor the message changed within 30 s")


def test_explorers_respond_in_jupyterlab(browser, lab):
    _, served = lab
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"c{i}",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
            for i, source in enumerate(EXPLORER_CELLS)
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (served / "explorers.ipynb").write_text(json.dumps(notebook))
    page = _open(browser, lab, "explorers.ipynb")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    explorers = page.locator(".course-explorer")
    try:
        explorers.nth(len(EXPLORER_CELLS) - 2).locator(".course-explorer-figure img").wait_for(
            timeout=RUN_TIMEOUT_SECONDS * 1000
        )
        # 04: the slider to its extremes: ρ = 0 is a message, ρ = 2 a new figure
        radius = explorers.nth(0)
        first = _explorer_figure(radius)
        assert first, "the spectral-radius explorer drew no figure"
        radius.locator(".noUi-handle").first.focus()
        page.keyboard.press("Home")
        message, _ = _wait_for_change(page, radius, first, "ρ = 0")
        assert "ρ = 0" in message and "exactly 0" in message, message
        page.keyboard.press("End")
        page.wait_for_timeout(300)
        for _ in range(60):
            if not radius.locator(".course-explorer-message").inner_text().strip():
                break
            page.wait_for_timeout(500)
        message, second = _wait_for_change(page, radius, first, "ρ = 2")
        assert not message and second != first, "moving ρ to 2 did not redraw the figure"
        # 05: an empty sentence, an unknown word, then a sentence of known words
        gates = explorers.nth(1)
        before = _explorer_figure(gates)
        box = gates.locator("input[type=text]")
        for typed, expected in (("", "Type a sentence"), ("Ravi lives in Pariss .", "Pariss")):
            box.fill(typed)
            box.press("Enter")
            page.wait_for_function(
                "([e, text]) => e.querySelector('.course-explorer-message').innerText"
                ".includes(text)",
                arg=[gates.element_handle(), expected],
                timeout=30_000,
            )
        box.fill("His sister grew up in Paris .")
        box.press("Enter")
        page.wait_for_function(
            "e => !e.querySelector('.course-explorer-message').innerText.trim()",
            arg=gates.element_handle(),
            timeout=30_000,
        )
        message, after = _wait_for_change(page, gates, before, "a sentence of known words")
        assert not message and after != before, "typing a sentence did not redraw the gates"
        # 12: the last output token, <end>, draws (an extreme of the slider, not an error)
        attention = explorers.nth(2)
        before = _explorer_figure(attention)
        attention.locator(".noUi-handle").first.focus()
        page.keyboard.press("End")
        message, after = _wait_for_change(page, attention, before, "output token <end>")
        assert not message and after != before, "moving to <end> did not redraw the attention"
        # 13: a width beyond the 6-token vocabulary is a message; width 1 draws again
        beams = explorers.nth(3)
        before = _explorer_figure(beams)
        beams.locator(".noUi-handle").first.focus()
        page.keyboard.press("End")
        page.wait_for_function(
            "e => e.querySelector('.course-explorer-message').innerText.includes('larger than')",
            arg=beams.element_handle(),
            timeout=60_000,
        )
        page.keyboard.press("Home")
        page.wait_for_function(
            "e => !e.querySelector('.course-explorer-message').innerText.trim()",
            arg=beams.element_handle(),
            timeout=60_000,
        )
        message, after = _wait_for_change(page, beams, before, "beam width 1")
        assert not message and after != before, "moving the beam width did not redraw the figure"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for name, explorer in (
            ("spectral_radius", radius),
            ("gates", gates),
            ("attention", attention),
            ("beam_width", beams),
        ):
            explorer.scroll_into_view_if_needed()
            explorer.screenshot(path=str(ARTIFACTS / f"explorer_{name}.png"))
    finally:
        page.close()
