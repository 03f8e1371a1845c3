#!/usr/bin/env python3
"""Resolve the pinned requirements for every supported platform and Python, without installing.

For each of Linux x86-64, Linux aarch64, macOS arm64 and Windows x86-64 with Python 3.11, 3.12 and
3.13 (12 cases), this evaluates the markers of requirements.txt for that target (pip would evaluate
them for this machine, even with --platform), adds the course package built as a wheel with its
`tensorflow` extra (markers of pyproject.toml evaluated the same way), and asks pip for a
binary-only
dry run with that target's wheel tags. It prints one line per case and exits 1 naming each case that
does not resolve, with the last lines of pip's error.

Limit: markers *inside* the dependencies' metadata (e.g. `colorama; sys_platform == "win32"`) are
still evaluated by pip for this machine; they only add or drop small pure-Python packages.

Needs the package index (not part of `course.py test`). Run from any Python with pip >= 22.2:

    python3 scripts/check_resolution.py            # all 12 cases, two at a time
    python3 scripts/check_resolution.py --jobs 1
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

try:
    from packaging.requirements import Requirement
except ImportError:  # a bare Python: pip carries its own copy
    from pip._vendor.packaging.requirements import Requirement
try:
    import tomllib
except ImportError:  # Python < 3.11
    from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.11", "3.12", "3.13")
GLIBC_MINORS = range(5, 29)  # a Linux with glibc 2.28 (RHEL 8, Debian 10) or newer
MACOS_MAJORS = range(11, 16)  # macOS 11 (Big Sur) to 15 (Sequoia)


def linux_tags(arch):
    legacy = ["manylinux1", "manylinux2010", "manylinux2014"]  # = manylinux_2_5, _2_12, _2_17
    return [f"{name}_{arch}" for name in legacy + [f"manylinux_2_{m}" for m in GLIBC_MINORS]]


# name -> (marker environment, wheel platform tags accepted there)
PLATFORMS = {
    "linux-x86_64": (
        {
            "sys_platform": "linux",
            "platform_system": "Linux",
            "os_name": "posix",
            "platform_machine": "x86_64",
        },
        linux_tags("x86_64"),
    ),
    "linux-aarch64": (
        {
            "sys_platform": "linux",
            "platform_system": "Linux",
            "os_name": "posix",
            "platform_machine": "aarch64",
        },
        linux_tags("aarch64"),
    ),
    "macos-arm64": (
        {
            "sys_platform": "darwin",
            "platform_system": "Darwin",
            "os_name": "posix",
            "platform_machine": "arm64",
        },
        [f"macosx_{major}_0_{arch}" for major in MACOS_MAJORS for arch in ("arm64", "universal2")]
        + [f"macosx_10_{minor}_universal2" for minor in range(9, 17)],
    ),
    "windows-x86_64": (
        {
            "sys_platform": "win32",
            "platform_system": "Windows",
            "os_name": "nt",
            "platform_machine": "AMD64",
        },
        ["win_amd64"],
    ),
}


def marker_environment(platform_name, python):
    environment, _ = PLATFORMS[platform_name]
    return {
        **environment,
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "implementation_version": f"{python}.0",
        "platform_release": "",
        "platform_version": "",
    }


def requirement_lines(text):
    """The requirement lines of a requirements file (comments and blank lines dropped)."""
    return [
        line.split(" #")[0].strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def selected(lines, environment):
    """The requirements among `lines` whose markers hold in `environment`, without the markers."""
    chosen = []
    for line in lines:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({**environment, "extra": ""}):
            requirement.marker = None
            chosen.append(str(requirement))
    return chosen


def build_wheel(folder):
    """Build the course package once, from a copy (setuptools would write build/ into the
    checkout)."""
    source = Path(folder) / "source"
    shutil.copytree(
        ROOT / "course_utils", source / "course_utils", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit("Could not build the course package:\n" + result.stderr[-2000:])
    return next(Path(folder).glob("course_utils-*.whl"))


def resolve(platform_name, python, wheel, folder):
    """One dry run. Returns (tensorflow distribution or "-", error lines or None)."""
    environment = marker_environment(platform_name, python)
    lines = selected(requirement_lines((ROOT / "requirements.txt").read_text()), environment)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines += selected(project["optional-dependencies"]["tensorflow"], environment)
    lines.append(f"course_utils @ {wheel.resolve().as_uri()}")
    case = Path(folder) / f"{platform_name}-py{python.replace('.', '')}"  # e.g. macos-arm64-py312
    requirements, report = case.with_suffix(".txt"), case.with_suffix(".json")
    requirements.write_text("\n".join(lines) + "\n")
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--ignore-installed",
        "--quiet",
        "--only-binary=:all:",
        "--python-version",
        python,
        "--implementation",
        "cp",
        "--report",
        str(report),
        "-r",
        str(requirements),
        "--target",
        str(case),
    ]  # older pips want --target with --platform; nothing is written
    for tag in PLATFORMS[platform_name][1]:
        command += ["--platform", tag]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        error = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
        return "-", error[-6:]
    installs = {
        item["metadata"]["name"].lower().replace("_", "-"): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    found = [
        f"{name}=={installs[name]}" for name in ("tensorflow", "tensorflow-cpu") if name in installs
    ]
    return " + ".join(found) or "none", None if len(found) == 1 else [
        "expected one TensorFlow build"
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="cases resolved at once (default 2)")
    jobs = parser.parse_args().jobs
    started = time.monotonic()
    cases = [(platform_name, python) for platform_name in PLATFORMS for python in PYTHONS]
    with tempfile.TemporaryDirectory() as folder:
        wheel = build_wheel(folder)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(lambda case: resolve(*case, wheel, folder), cases))
    print(f"{'platform':16} {'python':7} {'tensorflow':24} result")
    failed = []
    for (platform_name, python), (tensorflow, error) in zip(cases, results):
        print(f"{platform_name:16} {python:7} {tensorflow:24} {'FAIL' if error else 'ok'}")
        if error:
            failed.append(f"{platform_name} Python {python}:\n    " + "\n    ".join(error))
    print(
        f"{len(cases) - len(failed)} of {len(cases)} resolved in {time.monotonic() - started:.0f} s"
    )
    if failed:
        print("\nFAILED\n" + "\n".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
