"""Start JupyterLab on the course notebooks, set up for students or, with --lecturer, a lecturer.

    python3 course.py lab              # students: no news pop-up, no grading menus
    python3 course.py lab --lecturer   # a lecturer: nbgrader's formgrader, course list and menu

Both write their settings into build/jupyterlab/<role>/ and point JupyterLab at them through its
environment variables, so a student's own ~/.jupyter settings still apply where these are silent.
Students keep nbgrader's "Validate" button, which checks a homework notebook before hand-in.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS_OFF = {"@jupyterlab/apputils-extension/notification": {"fetchNews": "false"}}
LECTURER_ONLY = [  # nbgrader's instructor side (and the exchange list, which this course skips)
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:menu",
]


def write_settings(folder, lecturer=False, settings=None):
    """Write JupyterLab settings (`NEWS_OFF` plus `settings`) and, for students, the list of
    disabled extensions into `folder`; return the environment variables that select them."""
    folder = Path(folder)
    for plugin, values in {**NEWS_OFF, **(settings or {})}.items():
        package, name = plugin.rsplit("/", 1)
        path = folder / "user-settings" / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))
    disabled = {} if lecturer else {plugin: True for plugin in LECTURER_ONLY}
    page_config = folder / "config" / "labconfig" / "page_config.json"
    page_config.parent.mkdir(parents=True, exist_ok=True)
    page_config.write_text(json.dumps({"disabledExtensions": disabled}, indent=2))
    extra_paths = [str(folder / "config"), os.environ.get("JUPYTER_CONFIG_PATH", "")]
    return {
        "JUPYTERLAB_SETTINGS_DIR": str(folder / "user-settings"),
        "JUPYTER_CONFIG_PATH": os.pathsep.join(path for path in extra_paths if path),
    }


def main(argv):
    lecturer = "--lecturer" in argv
    arguments = [argument for argument in argv if argument != "--lecturer"]
    role = "lecturer" if lecturer else "student"
    environment = write_settings(ROOT / "build" / "jupyterlab" / role, lecturer)
    command = [sys.executable, "-m", "jupyter", "lab", "--notebook-dir", str(ROOT / "notebooks")]
    try:
        return subprocess.call(command + arguments, env={**os.environ, **environment})
    except KeyboardInterrupt:  # Ctrl-C stops the server; no traceback
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
