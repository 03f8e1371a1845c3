"""Checks for notebook 19: training on several devices with tf.distribute.

check.replica_batch(answer)               # per-replica batch and optimizer steps per epoch
check.global_mean_loss(my_global_mean)    # combine per-replica mean losses into the batch mean
"""

import numpy as np

from course_utils.check.core import report, run_student_function, student_array
from course_utils.validation import is_integer

__all__ = ["replica_batch", "global_mean_loss", "REPLICA_QUESTION"]

REPLICA_QUESTION = {"global_batch": 64, "replicas": 4, "examples": 10_000}


def replica_batch(answer):
    """Check a pair (examples per replica in one step, optimizer steps per epoch) for
    `REPLICA_QUESTION`: `train(..., batch_size=global_batch)` under MirroredStrategy with
    `replicas` devices on `examples` examples (the last partial batch is one more step)."""
    exercise = "replica_batch"
    if (
        not isinstance(answer, (tuple, list))
        or len(answer) != 2
        or not all(map(is_integer, answer))
    ):
        return report(
            exercise, False, "answer with a pair of ints: (examples per replica, steps per epoch)."
        )
    batch, replicas, examples = (
        REPLICA_QUESTION[k] for k in ("global_batch", "replicas", "examples")
    )
    per_replica, steps = answer
    expected_steps = -(-examples // batch)
    if (per_replica, steps) == (batch // replicas, expected_steps):
        return report(
            exercise,
            True,
            "the global batch is split between the replicas; one step "
            "still consumes a whole global batch.",
        )
    if per_replica != batch // replicas:
        hint = (
            "batch_size is the global batch: MirroredStrategy splits it between the replicas."
            if per_replica == batch
            else "the first number is off: how is one batch shared out?"
        )
        return report(exercise, False, hint)
    if steps == examples // batch:
        return report(
            exercise, False, "the last, partial batch is one more step (padded, not dropped)."
        )
    return report(
        exercise,
        False,
        "the second number is off: every step consumes one whole global "
        "batch, whatever the number of replicas.",
    )


def global_mean_loss(function):
    """Check `function(loss_means, weight_sums)`: per replica the mean loss over its real
    (unmasked) tokens (NaN for a replica whose slice is all padding) and how many real tokens it
    had, both 1-D arrays; return the mean loss over every real token of the whole batch, as one
    device would compute it."""
    exercise = "global_mean_loss"
    rng = np.random.default_rng(15)
    for replicas in (2, 4, 3):
        weight_sums = rng.integers(1, 60, replicas).astype(float)
        if replicas == 3:
            weight_sums[1] = 0.0  # a replica whose slice is all padding
        loss_sums = weight_sums * rng.uniform(0.5, 3.0, replicas)
        with np.errstate(divide="ignore", invalid="ignore"):
            loss_means = loss_sums / weight_sums  # 0 / 0 = NaN where there are no real tokens
        value, failed = run_student_function(
            exercise, function, loss_means.copy(), weight_sums.copy()
        )
        if failed is None and replicas == 3 and _is_nan(value):
            return report(
                exercise,
                False,
                "your function returned NaN: a replica with no real tokens reports a NaN mean "
                "(0 / 0), and it must count for nothing.",
            )
        if failed is None:
            value, failed = student_array(exercise, value, (), "your function (one number)")
        if failed is not None:
            return failed
        expected = loss_sums.sum() / weight_sums.sum()
        if np.isclose(value, expected):
            continue
        if np.isclose(value, np.nanmean(loss_means)):
            return report(
                exercise,
                False,
                "that averages the replicas' own means: a replica with more "
                "real tokens must weigh more.",
            )
        return report(
            exercise,
            False,
            "not yet: the batch mean is the total loss over the total number of real tokens; "
            "a replica's total is its mean times its tokens.",
        )
    return report(
        exercise, True, "weigh each mean by its tokens, divide once by all tokens: what train does."
    )


def _is_nan(value):
    try:
        return bool(np.isnan(np.asarray(value, dtype=np.float64)).any())
    except (TypeError, ValueError):
        return False
