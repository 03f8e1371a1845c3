"""The XLA training engine behind `course_utils.train` and `course_utils.evaluate`.

    engine.py        train / evaluate and TrainingHistory: the public entry points, train's steps
    batches.py       the data of a call: checked arrays, state inputs, stacked padded batches
    rules.py         the explicit rules: what a loss expects of its labels (a table of Keras
                     losses), the accuracy that follows, which model inputs are states
    steps.py         TrainStep and EvalStep: the compiled calls and their XLA fallback
    distributed.py   DistributedTrainStep: the training step under a tf.distribute strategy
    fast_loop.py     FastRNN: the batched loop used for exactly the standard cells
    restart.py       restart: a new run (seed) in a trained model, reusing its compiled step
    progress.py      the live display of a training run in a notebook, emptied when it ends

This folder is the only place with `tf.distribute` and the training `GradientTape`; its compiled
functions come from `course_utils/compiled.py`, the one cache of the package.
"""

from course_utils.training.engine import TrainingHistory, evaluate, train  # noqa: F401
from course_utils.training.fast_loop import FastRNN  # noqa: F401
from course_utils.training.restart import restart  # noqa: F401
