"""The XLA training engine behind `course_utils.train` and `course_utils.evaluate`.

    engine.py        train / evaluate and TrainingHistory: the public entry points
    steps.py         the compiled training and evaluation steps, losses, metrics, batches
    distributed.py   the same steps under a tf.distribute strategy
    fast_loop.py     FastRNN: the batched loop used for exactly the standard cells

This folder is the only place with `tf.function`, `tf.distribute` and the training
`GradientTape`; every other folder gets compiled functions from here.
"""
from course_utils.training.engine import TrainingHistory, evaluate, train  # noqa: F401
from course_utils.training.fast_loop import FastRNN  # noqa: F401
