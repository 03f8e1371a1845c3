"""course_utils.train under tf.distribute.MirroredStrategy on two logical CPU devices gives the
one-device results up to float rounding (histories, weights, evaluation), on a masked language
model with a regulariser and a padded last batch, truncated BPTT, and validation data.

Logical devices can only be made before TensorFlow starts its runtime, so the training runs in a
fresh process (tests/distributed_worker.py) and this module compares what it prints."""

import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.slow  # trains in a fresh TensorFlow process
WORKER = pathlib.Path(__file__).with_name("distributed_worker.py")
CASES = (
    "language model, mask, L2, clip_norm",
    "truncated BPTT, SGD, clip_value",
    "classifier with validation",
)


@pytest.fixture(scope="module")
def results():
    done = subprocess.run(
        [sys.executable, str(WORKER)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=WORKER.parent.parent,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULTS ")]
    assert done.returncode == 0 and lines, f"worker failed:\n{done.stdout}\n{done.stderr[-3000:]}"
    return json.loads(lines[-1][len("RESULTS ") :])


@pytest.mark.parametrize("case", CASES)
def test_mirrored_training_matches_one_device(results, case):
    one, mirrored = results[case]["one device"], results[case]["mirrored"]
    assert mirrored["distributed"] and mirrored["replicas"] == 2
    assert not one["distributed"] and one["replicas"] == 1
    assert mirrored["xla_used"] and one["xla_used"]
    assert one["history"].keys() == mirrored["history"].keys()
    for name, values in one["history"].items():
        np.testing.assert_allclose(
            mirrored["history"][name], values, rtol=1e-5, atol=1e-6, err_msg=name
        )
    for a, b in zip(one["weights"], mirrored["weights"], strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    for name, value in one["evaluation"].items():
        assert mirrored["evaluation"][name] == pytest.approx(value, rel=1e-5, abs=1e-6)


def test_training_changed_the_weights(results):
    """Guards the comparison above against a run that trained nothing on both sides."""
    history = results["language model, mask, L2, clip_norm"]["one device"]["history"]
    assert history["loss"][-1] < history["loss"][0] - 0.05


def test_batch_size_must_split_evenly(results):
    message = results["odd batch error"]
    assert message is not None and "`batch_size` must be a multiple of the 2 replicas" in message
    assert message.endswith("got 5")


def test_xla_used_says_whether_the_replica_passes_ran_xla_compiled(results):
    """Under MirroredStrategy each replica's pass is a jit_compile=True function: a model XLA
    compiles reports xla_used True; one with an op XLA has no kernel for makes TensorFlow refuse
    that function, and the run falls back (one printed line), reports False and trains exactly
    as a run with jit_compile=False."""
    outcome = results["xla under mirrored"]
    compilable, uncompilable = outcome["compilable"], outcome["uncompilable"]
    assert compilable["replicas"] == uncompilable["replicas"] == 2
    assert compilable["xla_used"] is True and "XLA could not compile" not in compilable["printed"]
    assert uncompilable["xla_used"] is False
    assert uncompilable["printed"].count("XLA could not compile this model") == 1
    np.testing.assert_allclose(uncompilable["loss"], outcome["without XLA"], rtol=1e-6)


def test_models_with_dropout_train(results):
    losses = results["dropout losses"]
    assert len(losses) == 3 and np.all(np.isfinite(losses)) and losses[-1] < losses[0]


def test_mixing_strategies_gets_a_clear_error(results):
    optimizer_outside, model_outside = results["mixed strategies"]
    assert optimizer_outside
    assert "optimizer and the model were created under different" in optimizer_outside
    assert model_outside and "model was built outside `MirroredStrategy().scope()`" in model_outside
