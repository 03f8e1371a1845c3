"""Notebook setup: quiet logs, fixed seeds, plot defaults and a one-line environment summary.

Every notebook starts with

    import course_utils
    course_utils.setup(seed=0)

which prints, for example,
`Python 3.11.7 | TensorFlow 2.21.0 | Keras 3.15.1 (tensorflow) | XLA: available | device: CPU | seed
0`.
"""

import logging
import os
import platform
import random
import sys

from course_utils.validation import integer

QUIET_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # C++ INFO/WARNING/ERROR lines at import
    "GRPC_VERBOSITY": "ERROR",
    "ABSL_MIN_LOG_LEVEL": "3",
}

PLOT_DEFAULTS = {
    "figure.figsize": (7.0, 3.5),
    "figure.dpi": 90,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "image.cmap": "viridis",
}

_xla_available = None

MISSING_TENSORFLOW = (
    "course_utils needs TensorFlow, which is not installed in this Python ({python}). Install the "
    'package with its TensorFlow extra, `pip install "course_utils[tensorflow]"` (in a checkout: '
    '`pip install ".[tensorflow]"`; with a GPU: `pip install "tensorflow[and-cuda]==2.21.0"`), or '
    "let the course build its own environment: `python3 course.py run` in the repository (`py "
    "course.py run` on Windows)."
)
BROKEN_TENSORFLOW = (
    "TensorFlow is installed in this Python ({python}) but could not be imported: {error}. "
    'Reinstall it, `pip install --force-reinstall "course_utils[tensorflow]"`, or, in the '
    "course's own environment, delete .venv/ and run `python3 course.py run` to rebuild it."
)
OTHER_BACKEND = (
    "course_utils runs on Keras's TensorFlow backend, but {source} {backend!r}. {fix} (in Jupyter: "
    "restart the kernel)."
)


def require_tensorflow_backend():
    """Raise ImportError at once if Keras is set up, or asked, to use a backend other than
    TensorFlow.

    Otherwise make Keras pick TensorFlow when it is first imported, whatever ~/.keras/keras.json
    says.
    """
    keras = sys.modules.get("keras")
    backend = getattr(getattr(keras, "backend", None), "backend", None)
    if callable(backend) and backend() != "tensorflow":
        raise ImportError(
            OTHER_BACKEND.format(
                source="Keras was already imported with the backend",
                backend=backend(),
                fix="Keras picks its backend once, at its first import: start Python again with "
                "KERAS_BACKEND unset or set to tensorflow, and import course_utils before keras",
            )
        )
    requested = os.environ.get("KERAS_BACKEND")
    if keras is None and requested and requested != "tensorflow":
        raise ImportError(
            OTHER_BACKEND.format(
                source="the environment variable KERAS_BACKEND asks for",
                backend=requested,
                fix="Unset it or set KERAS_BACKEND=tensorflow, then start Python again",
            )
        )
    if not requested:
        os.environ["KERAS_BACKEND"] = "tensorflow"


def import_tensorflow_quietly():
    """Import TensorFlow with its start-up log lines silenced, and turn its Python logging down.

    TensorFlow 2.21 writes a few timestamped lines straight to file descriptor 2 while it loads,
    whatever TF_CPP_MIN_LOG_LEVEL says; they would land in every notebook's first output. The
    environment variables only work before the first import, so `course_utils` calls this when
    the package itself is imported. A missing or broken TensorFlow raises an ImportError that says
    how to install it.
    """
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    if sys.modules.get("tensorflow") is None:  # not imported yet (or blocked: None)
        sys.stderr.flush()
        saved_stderr = os.dup(2)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 2)
                import tensorflow  # noqa: F401
        except ImportError as error:
            if isinstance(error, ModuleNotFoundError) and error.name == "tensorflow":
                raise ImportError(MISSING_TENSORFLOW.format(python=sys.executable)) from None
            raise ImportError(
                BROKEN_TENSORFLOW.format(python=sys.executable, error=error)
            ) from error
        finally:
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
    import absl.logging
    import tensorflow as tf

    absl.logging.set_verbosity(absl.logging.ERROR)
    tf.get_logger().setLevel(logging.ERROR)
    tf.autograph.set_verbosity(0)


def xla_available():
    """Return True if this TensorFlow build can compile a function with XLA on the default
    device."""
    global _xla_available
    if _xla_available is None:
        import tensorflow as tf

        from course_utils.compiled import compiled

        try:
            double = compiled(xla_available, "double", lambda: lambda x: 2.0 * x, jit_compile=True)
            _xla_available = float(double(tf.constant(1.0))) == 2.0
        except Exception:  # an unavailable XLA backend raises from deep inside TensorFlow
            _xla_available = False
    return _xla_available


def split_cpu(count):
    """Split the CPU into `count` logical devices, so that `tf.distribute` strategies can be tried
    on a laptop without GPUs. TensorFlow allows this only before its runtime has started."""
    count = integer(count, "cpu_devices", minimum=1)
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(count)]
        )
    except RuntimeError:
        current = len(tf.config.list_logical_devices("CPU"))
        if current != count:
            raise RuntimeError(
                f"cpu_devices={count} can only be set before TensorFlow starts; it runs on "
                f"{current} CPU device(s) now. Restart the kernel and call "
                f"setup(cpu_devices={count}) before anything else."
            ) from None


def environment_summary(seed=None):
    """Return a dict describing the environment: versions, backend, XLA and the compute device."""
    import keras
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    cpus = len(tf.config.list_logical_devices("CPU"))
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "xla": xla_available(),
        "device": f"GPU x{len(gpus)}" if gpus else f"CPU x{cpus} (logical)" if cpus > 1 else "CPU",
        "seed": seed,
    }


def setup(seed=0, verbose=True, cpu_devices=None):
    """Prepare a notebook: quiet TensorFlow, seed Python/NumPy/TensorFlow, set plot defaults.

    Args:
        seed: integer seed for `random`, NumPy and TensorFlow (via `keras.utils.set_random_seed`).
        verbose: print the one-line environment summary.
        cpu_devices: split the CPU into this many logical devices (only before TensorFlow has
            started, so call `setup` first) to try `tf.distribute.MirroredStrategy` without GPUs.

    Returns:
        The dict from `environment_summary`.
    """
    seed = integer(seed, "seed", minimum=0)
    import_tensorflow_quietly()
    if cpu_devices is not None:
        split_cpu(cpu_devices)
    import keras
    import matplotlib.pyplot as plt

    keras.utils.set_random_seed(seed)  # seeds random, NumPy and TensorFlow together
    random.seed(seed)
    plt.rcParams.update(PLOT_DEFAULTS)
    summary = environment_summary(seed=seed)
    if verbose:
        print(
            f"Python {summary['python']} | TensorFlow {summary['tensorflow']} | "
            f"Keras {summary['keras']} ({summary['backend']}) | "
            f"XLA: {'available' if summary['xla'] else 'NOT available'} | "
            f"device: {summary['device']} | seed {summary['seed']}"
        )
    return summary
