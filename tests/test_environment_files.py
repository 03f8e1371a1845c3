"""requirements.txt (pip), environment.yml (conda, Binder) and pyproject.toml agree, platform
markers included."""

import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
TENSORFLOW_BUILDS = {"tensorflow", "tensorflow-cpu"}

# Marker values as `platform` and `sys` report them on each supported machine.
PLATFORMS = {
    "linux-x86_64": {
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": "x86_64",
    },
    "linux-aarch64": {
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": "aarch64",
    },
    "macos-arm64": {
        "sys_platform": "darwin",
        "platform_system": "Darwin",
        "os_name": "posix",
        "platform_machine": "arm64",
    },
    "windows-x86_64": {
        "sys_platform": "win32",
        "platform_system": "Windows",
        "os_name": "nt",
        "platform_machine": "AMD64",
    },
}
EXPECTED_BUILD = {
    "linux-x86_64": "tensorflow-cpu",
    "windows-x86_64": "tensorflow-cpu",
    "macos-arm64": "tensorflow",
    "linux-aarch64": "tensorflow",
}
PYTHONS = ("3.11", "3.12", "3.13")


def requirement_lines(lines):
    """Requirement lines without comments or blank lines, in packaging's normal form."""
    lines = [line.split(" #")[0].strip() for line in lines if not line.lstrip().startswith("#")]
    return [str(Requirement(line)) for line in lines if line]


def requirements():
    return requirement_lines((ROOT / "requirements.txt").read_text().splitlines())


def conda_environment():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [item["pip"] for item in environment["dependencies"] if isinstance(item, dict)]
    assert len(pip_sections) == 1, "environment.yml should have exactly one pip section"
    return pip_sections[0], environment


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def chosen(lines, platform_name, python):
    """Names of the requirements whose markers hold on that platform and Python."""
    environment = {
        **PLATFORMS[platform_name],
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }
    requirements = [Requirement(line) for line in lines]
    return {r.name for r in requirements if r.marker is None or r.marker.evaluate(environment)}


def test_every_requirement_is_pinned():
    unpinned = [
        line
        for line in requirements()
        if [spec.operator for spec in Requirement(line).specifier] != ["=="]
    ]
    assert not unpinned, f"requirements.txt lines without an exact version: {unpinned}"


def test_conda_and_pip_have_the_same_lines_and_markers():
    pip_section, _ = conda_environment()
    conda = requirement_lines(line for line in pip_section if line != "-e .")
    pip = requirements()
    assert sorted(conda) == sorted(pip), (
        f"only in environment.yml: {sorted(set(conda) - set(pip))}; "
        f"only in requirements.txt: {sorted(set(pip) - set(conda))}"
    )


def test_conda_uses_python_311_and_installs_the_package():
    pip_section, environment = conda_environment()
    assert "python=3.11" in environment["dependencies"]
    assert "-e ." in pip_section


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("platform_name", sorted(PLATFORMS))
def test_markers_pick_one_tensorflow_build_and_every_other_pin(platform_name, python):
    everything = {Requirement(line).name for line in requirements()}
    picked = chosen(requirements(), platform_name, python)
    assert picked & TENSORFLOW_BUILDS == {EXPECTED_BUILD[platform_name]}
    assert picked == everything - (TENSORFLOW_BUILDS - {EXPECTED_BUILD[platform_name]})
    extra = chosen(pyproject()["optional-dependencies"]["tensorflow"], platform_name, python)
    assert extra == {EXPECTED_BUILD[platform_name]}


def test_tensorflow_extra_allows_the_pinned_versions_with_the_same_markers():
    pinned = {Requirement(line).name: Requirement(line) for line in requirements()}
    for line in pyproject()["optional-dependencies"]["tensorflow"]:
        extra = Requirement(line)
        pin = pinned[extra.name]
        assert str(extra.marker) == str(pin.marker), extra.name
        assert extra.specifier.contains(next(iter(pin.specifier)).version), line


def test_package_dependencies_allow_the_pins_and_python_range():
    project = pyproject()
    pinned = {
        Requirement(line).name: next(iter(Requirement(line).specifier)).version
        for line in requirements()
    }
    for line in project["dependencies"]:
        dependency = Requirement(line)
        assert dependency.specifier.contains(pinned[dependency.name]), line
    assert {"keras", "numpy", "matplotlib"} <= {
        Requirement(line).name for line in project["dependencies"]
    }
    python = SpecifierSet(project["requires-python"])
    assert [version for version in PYTHONS if python.contains(f"{version}.0")] == list(PYTHONS)
    assert not python.contains("3.10.13") and not python.contains("3.14.0")
