"""requirements.txt (pip) and environment.yml (conda, Binder) must install the same environment."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\[\]-]+)==([\w.]+)$")


def pins(lines):
    found = {}
    for line in lines:
        line = line.split("#")[0].strip()
        match = PIN.match(line)
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def requirements_pins():
    return pins((ROOT / "requirements.txt").read_text().splitlines())


def conda_pins():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [item["pip"] for item in environment["dependencies"] if isinstance(item, dict)]
    assert len(pip_sections) == 1, "environment.yml should have exactly one pip section"
    return pins(pip_sections[0]), environment


def test_every_requirement_is_pinned():
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    unpinned = [line for line in lines if line and not PIN.match(line)]
    assert not unpinned, f"requirements.txt lines without an exact version: {unpinned}"


def test_conda_and_pip_name_the_same_packages_and_versions():
    conda, _ = conda_pins()
    assert conda == requirements_pins()


def test_conda_uses_the_same_python_and_installs_the_package():
    _, environment = conda_pins()
    assert "python=3.11" in environment["dependencies"]
    pip_section = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    assert "-e ." in pip_section
