"""course.py: supported Pythons, per-OS venv paths, setting up `.venv` from bad states, and the
arguments of `course.py unit`.

Offline and without TensorFlow: each test works in a temporary folder, with a tiny requirements
file, pip pointed at an unreachable index, and venvs made by the running Python (a few seconds
each).
"""
import glob
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
# pip without this machine's configuration, at an index that refuses connections, failing fast.
OFFLINE_PIP = {"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": "http://127.0.0.1:9/",
               "PIP_NO_INPUT": "1", "PIP_RETRIES": "1", "PIP_TIMEOUT": "1",
               "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
MISSING_PACKAGE = "course-entry-test-package-that-does-not-exist==1.0\n"


def load_course():
    spec = importlib.util.spec_from_file_location("course_entry_under_test", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course = load_course()


def python_of(version):
    """An interpreter of that version (pyenv's or on PATH), or skip."""
    found = sorted(glob.glob(str(Path.home() / f".pyenv/versions/{version}*/bin/python"))) or \
        [path for path in [shutil.which(f"python{version}")] if path]
    if not found:
        pytest.skip(f"no Python {version} on this machine (pyenv or PATH)")
    return found[-1]


def offline_environment():
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PIP_")}
    return {**environment, **OFFLINE_PIP}


@pytest.fixture
def offline(monkeypatch):
    for name in [name for name in os.environ if name.startswith("PIP_")]:
        monkeypatch.delenv(name)
    for name, value in OFFLINE_PIP.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def checkout(tmp_path):
    """A copy of course.py and its install inputs; requirements.txt names a package that does
    not exist."""
    for name in ("course.py", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "requirements.txt").write_text(MISSING_PACKAGE)
    (tmp_path / "empty.txt").write_text("")
    return tmp_path


def run_course(checkout, *args, python=sys.executable):
    return subprocess.run([python, "course.py", *args], cwd=checkout, capture_output=True,
                          text=True, env=offline_environment(), timeout=300)


def assert_one_paragraph(text):
    assert "Traceback" not in text
    assert text.strip() and "\n\n" not in text.strip(), text


class TestInterpreters:
    def test_venv_python_per_os(self):
        assert course.venv_python(Path("v"), windows=True) == Path("v") / "Scripts" / "python.exe"
        assert course.venv_python(Path("v"), windows=False) == Path("v") / "bin" / "python"

    def test_supported_versions_match_requires_python(self):
        import tomllib

        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        requires = SpecifierSet(project["requires-python"])
        for minor in range(8, 16):
            assert course.supported((3, minor)) == requires.contains(f"3.{minor}.0"), minor

    def test_fingerprint_includes_the_venv_python_version(self, checkout):
        steps = course.install_steps(checkout)
        assert (course.install_fingerprint(checkout, steps, (3, 11, 7))
                != course.install_fingerprint(checkout, steps, (3, 12, 1)))

    def test_unsupported_python_prints_one_paragraph(self, checkout):
        result = run_course(checkout, "run", python=python_of("3.10"))
        assert result.returncode != 0
        assert_one_paragraph(result.stderr)
        message = " ".join(result.stderr.split())
        assert "3.11, 3.12 or 3.13" in message and "course.py run" in message
        assert not (checkout / ".venv").exists()

    def test_help_and_unknown_command_print_usage(self, checkout):
        help_result = run_course(checkout, "--help")
        assert help_result.returncode == 0 and "course.py test" in help_result.stdout
        unknown = run_course(checkout, "bogus")
        assert unknown.returncode != 0 and "course.py test" in unknown.stderr
        assert not (checkout / ".venv").exists()


@pytest.mark.slow  # builds venvs and runs pip
class TestSetup:
    def test_failed_pip_install_writes_no_stamp_and_retries(self, checkout):
        for _ in range(2):  # the second run finds the venv without a stamp and tries again
            result = run_course(checkout, "unit")
            assert result.returncode != 0
            assert "Installing the pinned packages" in result.stdout
            assert "Traceback" not in result.stderr
            message = " ".join(result.stderr.strip().split("\n\n")[-1].split())  # after pip's lines
            assert message.startswith("Installing the course's packages into .venv/ failed")
            assert "could not reach the package index" in message
            assert not (checkout / ".venv" / ".installed").exists()

    def test_stamp_is_written_only_after_every_step(self, checkout, offline):
        good = [["-r", str(checkout / "empty.txt")]]
        python = course.ensure_environment(checkout, steps=good)
        stamp = checkout / ".venv" / ".installed"
        assert python.exists() and stamp.exists()
        assert course.ensure_environment(checkout, steps=good) == python  # up to date: no reinstall
        with pytest.raises(course.SetupError, match="nothing was marked as installed"):
            course.ensure_environment(
                checkout, steps=good + [["-r", str(checkout / "requirements.txt")]])
        assert not stamp.exists()

    @pytest.mark.parametrize("damage",
                             ["no interpreter", "dangling interpreter", "garbage interpreter"])
    def test_half_built_or_broken_venv_is_rebuilt(self, checkout, offline, damage, capsys):
        python = course.venv_python(checkout / ".venv")
        python.parent.mkdir(parents=True)
        (checkout / ".venv" / "leftover").write_text("from an interrupted run")
        if damage == "dangling interpreter":  # the Python that made the venv was uninstalled
            python.symlink_to(checkout / "removed-python")
        elif damage == "garbage interpreter":
            python.write_bytes(b"\x00not a program")
            python.chmod(0o755)
        empty = [["-r", str(checkout / "empty.txt")]]
        assert course.ensure_environment(checkout, steps=empty) == python
        assert course.venv_version(python) == tuple(sys.version_info[:3])
        assert not (checkout / ".venv" / "leftover").exists()
        assert (checkout / ".venv" / ".installed").exists()
        assert "has no working Python" in capsys.readouterr().out

    def test_venv_of_an_unsupported_python_is_rebuilt(self, checkout, offline, capsys):
        subprocess.run([python_of("3.10"), "-m", "venv", str(checkout / ".venv")], check=True)
        python = course.ensure_environment(checkout, steps=[["-r", str(checkout / "empty.txt")]])
        assert course.venv_version(python) == tuple(sys.version_info[:3])
        assert "was made by Python 3.10" in capsys.readouterr().out


class TestUnitCommand:
    """`course.py unit`: the tests not marked slow, one pytest run over a few worker processes."""

    def test_workers_follow_the_cores_up_to_four(self):
        assert [course.unit_workers(cpus) for cpus in (1, 2, 3, 16)] == [1, 2, 3, 4]
        assert "-n" not in course.unit_arguments([], cpus=1)  # one core: no worker processes

    def test_leaves_out_slow_tests_and_the_user_has_the_last_word(self):
        arguments = course.unit_arguments(["-m", "slow", "-x"], cpus=2)
        assert arguments[:2] == ["-m", "pytest"] and arguments[-3:] == ["-m", "slow", "-x"]
        assert arguments[arguments.index("-m", 2) + 1] == "not slow"

    @pytest.mark.slow  # two pytest runs with worker processes
    def test_last_failed_reruns_only_the_last_failures(self, tmp_path):
        """With the course's pytest settings: slow tests stay out, and `--lf` after a failure runs
        that test alone (pytest's cache is on)."""
        shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
        (tmp_path / "tests").mkdir()
        (tmp_path / "tests" / "test_a.py").write_text(textwrap.dedent("""
            import os
            import pytest

            def test_passes():
                pass

            def test_fails_until_fixed():
                assert os.environ.get("FIXED")

            @pytest.mark.slow
            def test_slow():
                pass
            """))
        (tmp_path / "tests" / "test_b.py").write_text("def test_other():\n    pass\n")

        def unit(*extra, **environment):
            return subprocess.run([sys.executable, *course.unit_arguments(["-rA", *extra], cpus=2)],
                                  cwd=tmp_path, capture_output=True, text=True, timeout=300,
                                  env={**os.environ, **environment})

        def outcomes(result):  # what `-rA` lists: one "PASSED/FAILED node id" line per test run
            return sorted(line.split(" - ")[0] for line in result.stdout.splitlines()
                          if line.startswith(("PASSED ", "FAILED ")))

        first = unit()
        assert first.returncode == 1, first.stdout[-2000:]
        assert outcomes(first) == ["FAILED tests/test_a.py::test_fails_until_fixed",
                                   "PASSED tests/test_a.py::test_passes",
                                   "PASSED tests/test_b.py::test_other"]  # not test_slow
        again = unit("--lf", FIXED="1")
        assert again.returncode == 0, again.stdout[-2000:]
        assert outcomes(again) == ["PASSED tests/test_a.py::test_fails_until_fixed"], again.stdout
