"""`course_utils.train` under a `tf.distribute` strategy (data parallelism, e.g. several GPUs).

Nothing here is the course's own invention: a model built inside `strategy.scope()` of
`tf.distribute.MirroredStrategy` (one copy of every variable per device) is trained by the usual
`train` call, which then runs `DistributedTrainStep` instead of `TrainStep`:

    strategy = tf.distribute.MirroredStrategy()      # the one added line: all local GPUs
    with strategy.scope():
        model = build_model()
    history = train(model, x, y, loss=loss)           # unchanged

Every optimizer step splits its batch evenly between the replicas. Each replica runs the forward
and backward pass on its slice in an XLA-compiled function on its own device; the gradients are
summed across replicas (`strategy.reduce`), divided by the weight of the *whole* batch, clipped and
applied once, so a step equals the one-device step up to float rounding (tests/test_distributed.py
checks this on two logical CPU devices). Metrics see the gathered predictions of the whole batch.
Dropout draws different random numbers per replica, so models with dropout match only in
distribution. Evaluation runs on one device (reading the mirrored variables). An optimizer
*object* must be created inside the same scope (or pass its name); mixing scopes is a ValueError.

XLA under a strategy: the gradient all-reduce and the optimizer update run outside XLA (a
`tf.function` without `jit_compile`); each replica's forward and backward pass is a compiled
function with `jit_compile=True` called from there, which TensorFlow runs through XLA or refuses
with an error. `history.xla_used` is True when those replica passes ran XLA-compiled, and False
after the fallback (tests/test_distributed.py checks both, with a model XLA cannot compile).
"""

import tensorflow as tf

from course_utils import validation
from course_utils.compiled import compiled
from course_utils.training.steps import TrainStep, holding_weakly


def model_strategy(model):
    """The `tf.distribute` strategy the model's variables were created under, or None.

    Raises a ValueError for a model built outside any strategy but trained inside one."""
    for variable in model.weights:
        value = getattr(variable, "value", variable)
        if isinstance(value, tf.distribute.DistributedValues):
            return value.distribute_strategy
    if tf.distribute.has_strategy() and model.weights:
        outer = type(tf.distribute.get_strategy()).__name__
        raise ValueError(
            f"the model was built outside `{outer}().scope()` but is trained inside "
            "it; build the model inside `with strategy.scope():` so that its "
            "variables exist on every device"
        )
    return None


def build_optimizer(optimizer, variables):
    """`optimizer.build(variables)`, with a clear error when the two belong to different
    strategies (an optimizer object made outside `strategy.scope()` for a model made inside)."""
    try:
        optimizer.build(variables)
    except (RuntimeError, ValueError) as error:
        if "strategy" not in str(error).lower():
            raise
        raise ValueError(
            "the optimizer and the model were created under different tf.distribute "
            "strategies; create both inside the same `with strategy.scope():`, or "
            "pass the optimizer by name (optimizer='adam')"
        ) from None


def check_batch_size(strategy, batch_size):
    """`batch_size`, if every replica of `strategy` gets an equal slice of it."""
    replicas = strategy.num_replicas_in_sync
    if batch_size % replicas:
        validation.fail(
            "batch_size",
            f"a multiple of the {replicas} replicas of "
            f"{type(strategy).__name__}, so that every device gets an equal slice",
            batch_size,
        )
    return batch_size


class DistributedTrainStep(TrainStep):
    """`TrainStep` whose optimizer steps run data-parallel under `strategy`."""

    name = "distributed training"

    def __init__(self, *, strategy, **settings):
        self.strategy = strategy
        self.replicas = strategy.num_replicas_in_sync
        super().__init__(**settings)

    def function(self):
        # Cross-device communication stays outside XLA: only each replica's pass is compiled.
        return compiled(self, (self.name, self.jit_compile), lambda: holding_weakly(self._call))

    def replica_gradients(self):
        """The compiled forward and backward pass of one replica (XLA while `jit_compile`)."""
        return compiled(
            self,
            "replica gradients",
            lambda: holding_weakly(self._gradients),
            jit_compile=self.jit_compile,
        )

    def _objective(self, loss_sum, weight_sum):
        # Summed over replicas and divided by the whole batch's weight in `_step`, this is the
        # one-device objective: mean loss + model losses (weight_sum does not depend on weights).
        return loss_sum + self._model_losses() * tf.stop_gradient(weight_sum)

    def _step(self, x, y, weights, states, carry):
        strategy, replicas = self.strategy, self.replicas
        batch = weights.shape[0]
        replica_gradients = self.replica_gradients()

        def replica_slice(t):  # rows of this replica: (batch, ...) -> (batch / replicas, ...)
            index = tf.distribute.get_replica_context().replica_id_in_sync_group
            return tf.reshape(t, (replicas, batch // replicas) + tuple(t.shape[1:]))[index]

        def on_replica(x, y, weights, states):
            return replica_gradients(
                [replica_slice(t) for t in x],
                replica_slice(y),
                replica_slice(weights),
                [replica_slice(s) for s in states],
            )

        grads, loss_sum, weight_sum, prediction, element_weights, new_states = strategy.run(
            on_replica, args=(list(x), y, weights, list(states))
        )

        def total(value):  # summed over the replicas
            return strategy.reduce(tf.distribute.ReduceOp.SUM, value, axis=None)

        def whole(value):  # the replicas' rows gathered into the whole batch
            return strategy.gather(value, axis=0)

        loss_sum, weight_sum = total(loss_sum), total(weight_sum)
        scale = 1.0 / tf.maximum(weight_sum, 1e-12)
        grads = [total(g) * scale for g in grads]
        loss = loss_sum * scale + self._model_losses()
        carry = self._apply(
            grads, loss, loss_sum, weight_sum, y, whole(prediction), whole(element_weights), carry
        )
        return carry, [
            tf.reshape(tf.stop_gradient(whole(new)), old.shape)  # static shape
            for new, old in zip(new_states, states)
        ]
