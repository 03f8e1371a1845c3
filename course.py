#!/usr/bin/env python3
"""One entry point for the course: set up the environment, run the notebooks, run the tests.

    python3 course.py run      # execute every notebook into build/, render HTML, print timings
    python3 course.py test     # every unit test (slow ones too) + every notebook under nbval (CI)
    python3 course.py unit     # the unit tests not marked slow, in parallel (quick iteration)
    python3 course.py unit --lf                    # only the tests that failed last time
    python3 course.py unit tests/test_cells.py -x  # extra arguments go to pytest
    python3 course.py lab      # open JupyterLab on notebooks/, set up for students
    python3 course.py lab --lecturer               # ... with nbgrader's instructor menus
    python3 course.py record notebooks/03_*.ipynb   # re-record stored outputs (fresh kernel)
    python3 course.py site     # the course website from the stored outputs into build/site/

On Windows write `py course.py ...`. Python 3.11, 3.12 or 3.13 is needed (TensorFlow 2.21's range
that the course supports). Every command first makes sure the virtual environment `.venv/` exists,
works and matches requirements.txt and pyproject.toml; it creates, repairs or refreshes it when
not. Only the standard library is used here, so this file runs on a bare Python.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SUPPORTED = ((3, 11), (3, 12), (3, 13))
INSTALL_INPUTS = ("requirements.txt", "pyproject.toml")
# Lines of pip's output that mean it never reached the package index.
NETWORK_ERRORS = ("NewConnectionError", "Failed to establish a new connection", "ConnectTimeout",
                  "Connection refused", "Temporary failure in name resolution",
                  "Name or service not known", "getaddrinfo failed", "nodename nor servname",
                  "Network is unreachable", "No route to host", "ProxyError", "SSLError",
                  "Read timed out")


def venv_python(venv, windows=os.name == "nt"):
    """The interpreter of a virtual environment: Scripts\\python.exe on Windows, bin/python
    elsewhere."""
    return venv / "Scripts" / "python.exe" if windows else venv / "bin" / "python"


VENV = ROOT / ".venv"
PYTHON = venv_python(VENV)
STAMP = VENV / ".installed"

# Quiet TensorFlow in every process started from here (kernels inherit the environment).
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


class SetupError(Exception):
    """The environment could not be set up; the message is one paragraph naming the fix."""


def paragraph(text):
    return textwrap.fill(" ".join(text.split()), width=100, break_long_words=False,
                         break_on_hyphens=False)


def supported(version):
    return tuple(version[:2]) in SUPPORTED


def unsupported_python_message():
    here = "%d.%d.%d" % sys.version_info[:3]
    launcher = "py -3.12" if os.name == "nt" else "python3.12"
    return paragraph(
        f"course.py needs Python 3.11, 3.12 or 3.13 (the versions TensorFlow 2.21 and the course "
        f"support), but it was started with Python {here} ({sys.executable}). Install one of them "
        f"(python.org, `brew install python@3.12`, `sudo apt install python3.12-venv`, "
        f"`pyenv install 3.12`, `winget install Python.Python.3.12`) and start course.py with it, "
        f"e.g. `{launcher} course.py run`.")


def venv_version(python):
    """(major, minor, micro) of a venv's interpreter; None if it is missing, broken or has no
    pip."""
    try:
        result = subprocess.run(
            [str(python), "-c", "import sys, pip; print(*sys.version_info[:3])"],
            capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            return None
        return tuple(int(part) for part in result.stdout.split())
    except (OSError, ValueError, subprocess.TimeoutExpired):  # missing, not executable, garbled
        return None


def install_steps(root):
    """pip arguments of each install step, in order (tests pass small ones of their own)."""
    return [["-r", str(root / "requirements.txt")], ["--no-deps", "-e", str(root)]]


def install_fingerprint(root, steps, version):
    """Changes whenever the install inputs, the steps or the venv's Python version change."""
    digest = hashlib.sha256(repr((tuple(version), steps)).encode())
    for name in INSTALL_INPUTS:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def remove_venv(venv):
    try:
        shutil.rmtree(venv)
    except OSError as error:
        raise SetupError(
            f"{venv} needs rebuilding but could not be removed ({error}). Close what uses it "
            "(JupyterLab, a kernel, a terminal with it activated), delete the folder by hand and "
            "run the same command again.") from None


def create_venv(venv):
    """A fresh venv made by this interpreter; on failure nothing is left behind."""
    result = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True,
                            text=True)
    if result.returncode != 0 or venv_version(venv_python(venv)) is None:
        if venv.exists():
            remove_venv(venv)
        last = (result.stdout + result.stderr).strip().splitlines()[-1:] or ["no output"]
        raise SetupError(
            f"Python {sys.version.split()[0]} ({sys.executable}) could not create the virtual "
            f"environment {venv} ({last[0].strip()}). Its venv module or pip is missing: on "
            f"Debian/Ubuntu `sudo apt install python3.{sys.version_info[1]}-venv`, elsewhere "
            "install Python from python.org; then run the same command again.")


def pip_failure(root, step, output):
    """Why a pip step failed, and the fix (pip's last lines are printed before it)."""
    command = "pip install " + " ".join(os.path.relpath(arg, root) if os.path.isabs(arg) else arg
                                        for arg in step)
    if any(error in output for error in NETWORK_ERRORS):
        cause = ("pip could not reach the package index: no network, a proxy that needs "
                 "HTTPS_PROXY, or PIP_INDEX_URL / pip.conf naming an index that cannot be reached. "
                 "Connect (or fix the index setting)")
    elif "(from versions: none)" in output:
        cause = ("pip found no release at all of a requirement: most likely it could not reach "
                 "the package index (no network, or PIP_INDEX_URL / pip.conf naming an index "
                 "without it), or a name is misspelt. Connect (or fix the index setting or the "
                 "name)")
    elif "No matching distribution" in output:
        cause = ("a pinned package has no wheel for this platform and Python (the course supports "
                 "Linux x86-64 and aarch64, macOS arm64 and Windows x86-64 with Python 3.11-3.13). "
                 "Use one of those, or fix the pin")
    else:
        cause = "see pip's error above. Fix its cause"
    return (f"Installing the course's packages into .venv/ failed at `{command}`: {cause}, then "
            "run the same command again: nothing was marked as installed, so the next run "
            "retries.")


def ensure_environment(root=ROOT, steps=None):
    """Make `root/.venv` exist, work and hold the pinned packages; return its interpreter.

    A venv without a working interpreter (half-built, or its Python was removed) or made by an
    unsupported Python is rebuilt. The stamp `.venv/.installed` is written only after every install
    step succeeded, and removed before the first one starts, so an interrupted or failed install is
    retried on the next run. Raises SetupError with a one-paragraph message.
    """
    venv, steps = root / ".venv", install_steps(root) if steps is None else steps
    python, stamp = venv_python(venv), venv / ".installed"
    version = venv_version(python) if venv.exists() else None
    if venv.exists() and not (version and supported(version)):
        why = (f"was made by Python {version[0]}.{version[1]}, which the course does not support"
               if version else "has no working Python or pip (half-built, or the Python that made "
               "it was removed)")
        print(f"{venv.name}/ {why}: rebuilding it with Python {sys.version.split()[0]}.",
              flush=True)
        remove_venv(venv)
    if not venv.exists():
        print(f"Creating {venv.name}/ with Python {sys.version.split()[0]} (first run takes about "
              "two minutes)...", flush=True)
        create_venv(venv)
        version = venv_version(python)
    fingerprint = install_fingerprint(root, steps, version)
    if stamp.is_file() and stamp.read_text() == fingerprint:
        return python
    print(f"Installing the pinned packages into {venv.name}/...", flush=True)
    if stamp.exists():
        stamp.unlink()
    for step in steps:
        result = subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check",
                                 "--quiet", *step], cwd=root, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            print("\n".join(result.stdout.strip().splitlines()[-15:]) + "\n", file=sys.stderr)
            raise SetupError(pip_failure(root, step, result.stdout))
    stamp.write_text(fingerprint)
    return python


def run_in_venv(args, capture=False):
    """Run `python args...` inside the virtual environment, from the repository root; with
    `capture`, returns (exit status, its output) instead of letting it print."""
    result = subprocess.run([str(PYTHON), *args], cwd=ROOT, env={**os.environ, **QUIET_ENV},
                            capture_output=capture, text=capture)
    return (result.returncode, result.stdout + result.stderr) if capture else result.returncode


def run_tests(extra):
    """Every unit-test module in a process of its own, slow tests included, then every notebook
    under nbval: what CI runs. Both spread over `unit_workers()` processes.

    One process per module keeps memory flat: TensorFlow keeps every XLA program it compiled
    alive for the life of the process, and hundreds of small compiled models add up to gigabytes.
    Each module's output is printed when it ends.
    """
    from concurrent.futures import ThreadPoolExecutor

    workers = unit_workers()
    modules = sorted((ROOT / "tests").glob("test_*.py"))

    def run_module(module):
        name = str(module.relative_to(ROOT))
        status, output = run_in_venv(["-m", "pytest", name, "-q", *extra], capture=True)
        print(f"\n=== {name}\n{output.rstrip()}", flush=True)
        return module.name if status not in (0, 5) else None

    with ThreadPoolExecutor(max_workers=workers) as pool:
        failed = [name for name in pool.map(run_module, modules) if name]
    print("\n=== notebooks under nbval (strict)", flush=True)
    parallel = ["-n", str(workers), "--dist", "loadfile"] if workers > 1 else []
    if run_in_venv(["-m", "pytest", "notebooks", "--nbval", "--nbval-sanitize-with",
                    "tests/nbval_sanitize.cfg", "--nbval-current-env", *parallel, *extra]) != 0:
        failed.append("notebooks")
    print("\nFAILED: " + ", ".join(failed) if failed else "\nAll tests passed.")
    return 1 if failed else 0


def unit_workers(cpus=None):
    """pytest-xdist workers for `course.py unit`: one per core, at most four. Each worker is one
    TensorFlow process holding the XLA programs of the modules it ran (1-3 GB), so four keep a
    run within a laptop's memory."""
    if cpus is None:  # the cores this process may use (a container's share, not the host's)
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cpus or 1))


def unit_arguments(extra, cpus=None):
    """pytest arguments of `course.py unit`: the tests not marked slow, in one pytest run spread
    over `unit_workers()` processes, each test module kept in one process (its module fixtures
    are made once). One run, so `--lf` reruns exactly the last failures; arguments given by the
    user come last and win (`-n 0` runs in one process, `-m ""` brings the slow tests back)."""
    workers = unit_workers(cpus)
    parallel = ["-n", str(workers), "--dist", "loadfile"] if workers > 1 else []
    return ["-m", "pytest", "-q", "-m", "not slow", *parallel, *extra]



COMMANDS = {
    "run": lambda extra: run_in_venv(["scripts/run_course.py", *extra]),
    "test": lambda extra: run_tests(extra),
    "unit": lambda extra: run_in_venv(unit_arguments(extra)),
    "lab": lambda extra: run_in_venv(["scripts/lab.py", *extra]),
    "record": lambda extra: run_in_venv(["scripts/record_notebooks.py", *extra]),
    "site": lambda extra: run_in_venv(["scripts/build_site.py", *extra]),
}


def main(argv):
    if argv[:1] in (["-h"], ["--help"], ["help"]):
        print(__doc__)
        return 0
    if len(argv) < 1 or argv[0] not in COMMANDS:
        sys.exit(__doc__)
    if not supported(sys.version_info):
        sys.exit(unsupported_python_message())
    try:
        ensure_environment()
    except SetupError as error:
        sys.exit(paragraph(str(error)))
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
