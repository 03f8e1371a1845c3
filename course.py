#!/usr/bin/env python3
"""One entry point for the course: set up the environment, run the notebooks, run the tests.

    python3.11 course.py run      # execute every notebook into build/, render HTML, print timings
    python3.11 course.py test     # unit tests + every notebook under nbval (what CI runs)
    python3.11 course.py unit     # unit tests only (quick iteration)
    python3.11 course.py lab      # open JupyterLab on notebooks/
    python3.11 course.py record notebooks/03_*.ipynb   # re-record stored outputs (fresh kernel)

Every command first makes sure the virtual environment `.venv/` exists and matches
requirements.txt and pyproject.toml; it creates or refreshes it when not. Only the standard
library is used here, so this file runs on a bare Python 3.11.
"""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".installed"
INSTALL_INPUTS = ("requirements.txt", "pyproject.toml")

# Quiet TensorFlow in every process started from here (kernels inherit the environment).
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def install_fingerprint():
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment():
    """Create `.venv` and install the pinned requirements if missing or out of date."""
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"course.py needs Python 3.11, got {sys.version.split()[0]}: run it as `python3.11 course.py ...`")
    fingerprint = install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint and PYTHON.exists():
        return
    print(f"Setting up {VENV.relative_to(ROOT)}/ (first run takes about two minutes)...", flush=True)
    if not PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    subprocess.run(pip + ["-r", str(ROOT / "requirements.txt")], check=True)
    subprocess.run(pip + ["--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(fingerprint)


def run_in_venv(args):
    """Run `python args...` inside the virtual environment, from the repository root."""
    return subprocess.run([str(PYTHON), *args], cwd=ROOT, env={**os.environ, **QUIET_ENV}).returncode


def run_tests(extra, notebooks=True):
    """Each unit-test module in a process of its own, then every notebook under nbval.

    One process per module keeps memory flat: TensorFlow keeps every XLA program it compiled
    alive for the life of the process, and hundreds of small compiled models add up to gigabytes.
    """
    failed = []
    for module in sorted((ROOT / "tests").glob("test_*.py")):
        print(f"\n=== {module.relative_to(ROOT)}", flush=True)
        if run_in_venv(["-m", "pytest", str(module.relative_to(ROOT)), "-q", *extra]) not in (0, 5):
            failed.append(module.name)
    if notebooks:
        print("\n=== notebooks under nbval (strict)", flush=True)
        if run_in_venv(["-m", "pytest", "notebooks", "--nbval", "--nbval-sanitize-with",
                        "tests/nbval_sanitize.cfg", "--nbval-current-env", *extra]) != 0:
            failed.append("notebooks")
    print("\nFAILED: " + ", ".join(failed) if failed else "\nAll tests passed.")
    return 1 if failed else 0


COMMANDS = {
    "run": lambda extra: run_in_venv(["scripts/run_course.py", *extra]),
    "test": lambda extra: run_tests(extra),
    "unit": lambda extra: run_tests(extra, notebooks=False),
    "lab": lambda extra: run_in_venv(["-m", "jupyter", "lab", "--notebook-dir", "notebooks", *extra]),
    "record": lambda extra: run_in_venv(["scripts/record_notebooks.py", *extra]),
}


def main(argv):
    if len(argv) < 1 or argv[0] not in COMMANDS:
        sys.exit(__doc__)
    ensure_environment()
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
