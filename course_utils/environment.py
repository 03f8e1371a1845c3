"""Notebook setup: quiet logs, fixed seeds, plot defaults and a one-line environment summary.

Every notebook starts with

    import course_utils
    course_utils.setup(seed=0)

which prints, for example,
`Python 3.11.7 | TensorFlow 2.21.0 | Keras 3.15.1 (tensorflow) | XLA: available | device: CPU | seed 0`.
"""
import logging
import os
import platform
import random
import sys
import warnings

import numpy as np

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


def import_tensorflow_quietly():
    """Import TensorFlow with its start-up log lines silenced, and turn its Python logging down.

    TensorFlow 2.21 writes a few timestamped lines straight to file descriptor 2 while it loads,
    whatever TF_CPP_MIN_LOG_LEVEL says; they would land in every notebook's first output. The
    environment variables only work before the first import, so `course_utils` calls this when
    the package itself is imported. Errors still surface: an import failure raises as usual.
    """
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    if "tensorflow" not in sys.modules:
        sys.stderr.flush()
        saved_stderr = os.dup(2)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 2)
                import tensorflow  # noqa: F401
        finally:
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
    import absl.logging
    import tensorflow as tf

    absl.logging.set_verbosity(absl.logging.ERROR)
    tf.get_logger().setLevel(logging.ERROR)
    tf.autograph.set_verbosity(0)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)


def xla_available():
    """Return True if this TensorFlow build can compile a function with XLA on the default device."""
    global _xla_available
    if _xla_available is None:
        import tensorflow as tf

        try:
            double = tf.function(lambda x: 2.0 * x, jit_compile=True)
            _xla_available = float(double(tf.constant(1.0))) == 2.0
        except Exception:  # an unavailable XLA backend raises from deep inside TensorFlow
            _xla_available = False
    return _xla_available


def environment_summary(seed=None):
    """Return a dict describing the environment: versions, backend, XLA and the compute device."""
    import keras
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "xla": xla_available(),
        "device": f"GPU x{len(gpus)}" if gpus else "CPU",
        "seed": seed,
    }


def setup(seed=0, verbose=True):
    """Prepare a notebook: quiet TensorFlow, seed Python/NumPy/TensorFlow, set plot defaults.

    Args:
        seed: integer seed for `random`, NumPy and TensorFlow (via `keras.utils.set_random_seed`).
        verbose: print the one-line environment summary.

    Returns:
        The dict from `environment_summary`.
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    import_tensorflow_quietly()
    import keras
    import matplotlib.pyplot as plt

    keras.utils.set_random_seed(int(seed))  # seeds random, NumPy and TensorFlow together
    random.seed(int(seed))
    plt.rcParams.update(PLOT_DEFAULTS)
    summary = environment_summary(seed=int(seed))
    if verbose:
        print(
            f"Python {summary['python']} | TensorFlow {summary['tensorflow']} | "
            f"Keras {summary['keras']} ({summary['backend']}) | "
            f"XLA: {'available' if summary['xla'] else 'NOT available'} | "
            f"device: {summary['device']} | seed {summary['seed']}"
        )
    return summary
