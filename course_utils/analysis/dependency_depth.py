"""Dependency depth measured on a model's own computation: the longest chain of matrix products.

`matmul_chain_length(function, input_shape)` traces `function` (a layer, a model, any callable
of one float tensor) into a TensorFlow graph and follows every data and control dependency from
the inputs to the outputs. Each operation's depth is the number of matrix products (MatMul,
BatchMatMul, Einsum) on the longest chain of operations that leads to it, itself included; the
result is the largest depth. However many processors a machine has, the matrix products on that
chain must run one after another, so it counts the *sequential* steps of the computation:

- an RNN layer over T steps multiplies h_{t-1} by its recurrent matrix at every step: the chain
  has T products, one per time step;
- a self-attention layer has the same chain at every length: project (XW_q), score (QKᵀ),
  average (AV), project the output (W_o), whatever T is.

The recurrence must be unrolled (`keras.layers.RNN(..., unroll=True)` or
`keras.layers.LSTM(..., unroll=True)`): a symbolic loop (a `While` operation) hides the number of
its iterations from the graph, and the function raises rather than count it as one step.

Example:
    lstm = keras.layers.LSTM(16, return_sequences=True, unroll=True)
    matmul_chain_length(lstm, (1, 32, 8))                            # 32
    matmul_chain_length(SelfAttention(2, 8), (1, 32, 16))            # 4
"""

import tensorflow as tf

from course_utils.compiled import compiled
from course_utils.validation import fail, integer

__all__ = ["MATRIX_PRODUCTS", "matmul_chain_length"]
MATRIX_PRODUCTS = frozenset({"MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3", "Einsum"})
LOOPS = frozenset({"While", "StatelessWhile", "For"})


def matmul_chain_length(function, input_shape):
    """The number of matrix products on the longest dependency chain of `function(x)`.

    Args:
        function: a callable of one float32 tensor (a Keras layer or model); it is traced, not
            run, so its weights are created (built) as a call would create them.
        input_shape: the full shape of x, batch included, e.g. (1, T, features).

    Returns:
        int: matrix products that must run one after another (T for an unrolled RNN layer over
        T steps, a constant for self-attention).

    Raises:
        ValueError: the traced graph contains a symbolic loop (unroll the recurrence).
    """
    if not callable(function):
        fail("function", "a callable of one tensor", function)
    shape = tuple(integer(size, "input_shape", minimum=1) for size in input_shape)
    traced = compiled(function, ("matmul_chain_length", shape), lambda: lambda x: function(x))
    graph = traced.get_concrete_function(tf.TensorSpec(shape, tf.float32)).graph
    depth = {}
    for operation in graph.get_operations():  # created in order: inputs before their users
        if operation.type in LOOPS:
            raise ValueError(
                f"the traced graph contains a {operation.type} loop, whose iterations the graph "
                f"does not show: unroll the recurrence (unroll=True)"
            )
        predecessors = [tensor.op for tensor in operation.inputs] + list(operation.control_inputs)
        longest = max((depth.get(p.name, 0) for p in predecessors), default=0)
        depth[operation.name] = longest + (operation.type in MATRIX_PRODUCTS)
    return max(depth.values(), default=0)
