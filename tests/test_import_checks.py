"""`import course_utils` without TensorFlow, or with another Keras backend, fails at once naming the
fix.

Each case runs in a fresh interpreter, since the checks happen when the package is first imported.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FAKE_JAX_KERAS = (
    "import sys, types; keras = types.ModuleType('keras'); sys.modules['keras'] = keras; "
    "keras.backend = types.SimpleNamespace(backend=lambda: 'jax'); "
)


def import_course_utils(code="", **environment):
    """Run `<code> import course_utils` in a new Python: (exit status, [last stderr line],
    stdout)."""
    env = {name: value for name, value in os.environ.items() if name != "KERAS_BACKEND"}
    env.update(PYTHONPATH=os.pathsep.join([*environment.pop("path", []), str(ROOT)]), **environment)
    code += "import course_utils, keras; print(keras.backend.backend())"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    return result.returncode, result.stderr.strip().splitlines()[-1:] or [""], result.stdout.strip()


def test_missing_tensorflow_names_the_install_commands():
    status, (last,), _ = import_course_utils("import sys; sys.modules['tensorflow'] = None; ")
    assert status != 0
    assert last.startswith("ImportError: course_utils needs TensorFlow, which is not installed")
    assert 'pip install "course_utils[tensorflow]"' in last and "python3 course.py run" in last


def test_broken_tensorflow_says_reinstall(tmp_path):
    (tmp_path / "tensorflow").mkdir()
    (tmp_path / "tensorflow" / "__init__.py").write_text("raise ImportError('DLL load failed')\n")
    status, (last,), _ = import_course_utils(path=[str(tmp_path)])
    assert status != 0
    assert last.startswith("ImportError: TensorFlow is installed") and "DLL load failed" in last
    assert "--force-reinstall" in last


@pytest.mark.parametrize("backend", ["jax", "torch", "numpy"])
def test_keras_backend_variable_for_another_backend(backend):
    status, (last,), _ = import_course_utils(KERAS_BACKEND=backend)
    assert status != 0
    assert last == (
        "ImportError: course_utils runs on Keras's TensorFlow backend, but the environment "
        f"variable KERAS_BACKEND asks for '{backend}'. Unset it or set KERAS_BACKEND=tensorflow, "
        "then start Python again (in Jupyter: restart the kernel)."
    )


def test_keras_already_imported_with_another_backend():
    status, (last,), _ = import_course_utils(FAKE_JAX_KERAS)
    assert status != 0
    assert "Keras was already imported with the backend 'jax'" in last
    assert "import course_utils before keras" in last


@pytest.mark.slow  # a fresh Python imports TensorFlow
def test_keras_config_file_for_another_backend_is_overridden(tmp_path):
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "numpy"}))
    status, _, out = import_course_utils(KERAS_HOME=str(tmp_path))
    assert (status, out) == (0, "tensorflow")
