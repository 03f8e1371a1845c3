#!/usr/bin/env python
"""One implementation of scripts/benchmark.py's training step, in a process of its own.

TensorFlow and PyTorch never share a process (in one process PyTorch's Adam crashed with a
segmentation fault), so scripts/benchmark.py starts this script once per implementation, with the
course's Python for the TensorFlow ones and the benchmark venv's Python (build/venv-bench) for
PyTorch. Only the framework of that implementation is imported:

    course        keras.layers.RNN(course_utils cell) trained by course_utils.train (XLA, with the
                  batched-BPTT loop of course_utils.training.fast_loop: the default)
    course-keras  the same with fast_rnn=False (XLA, Keras's step-by-step loop)
    keras         keras.layers.SimpleRNN/LSTM/GRU, model.fit(jit_compile=False)
    keras-xla     the same with jit_compile=True
    torch         torch.nn.RNN/LSTM/GRU, a plain training loop with torch.optim.Adam

Every one trains the same model on the same data: Embedding -> recurrent layer (all outputs) ->
Dense(vocabulary), mean sparse cross-entropy on logits, Adam (learning rate 1e-3), no metrics.

Protocol (one JSON object per line): the worker prints {"ready": ..., "pid": ..., "modules": ...,
"version": ..., "threads": ...} once it has built its models, then answers each request
{"kind": "LSTM", "batches": n} read from standard input with {"wall": seconds, "cpu": seconds}
for training on n batches (the first request of a kind traces and compiles). An empty line or
end of input ends it; the answers go to the standard output as it was at the start, everything
else the worker prints to its standard error. With --probe it prints the first line without
building anything and exits.
"""
import argparse
import contextlib
import io
import json
import os
import sys
import time
from pathlib import Path

IMPLEMENTATIONS = ("course", "course-keras", "keras", "keras-xla", "torch")
KINDS = ("SimpleRNN", "LSTM", "GRU")
FRAMEWORKS = ("tensorflow", "torch")


def make_data(shape, batches, seed=0):
    """(x, y) int32 token arrays (batch * batches, steps); y is x shifted left by one step."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = rng.integers(0, shape["vocabulary"], (shape["batch"] * batches, shape["steps"]))
    return x.astype("int32"), np.roll(x, -1, axis=1).astype("int32")


def timed(train_on):
    """Wrap train_on(batches) into run(batches) -> (wall seconds, this process's CPU seconds)."""
    def run(batches):
        with contextlib.redirect_stdout(io.StringIO()):  # train's final metric line
            cpu_start, start = time.process_time(), time.perf_counter()
            train_on(batches)
            return time.perf_counter() - start, time.process_time() - cpu_start

    return run


def tensorflow_setup(threads):
    """Import TensorFlow with `threads` intra-op threads and one inter-op thread; its version."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import course_utils  # noqa: F401  (imports TensorFlow quietly)
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras

    return f"TensorFlow {tf.__version__}, Keras {keras.__version__}"


def tensorflow_runner(implementation, shape, kind, data):
    import keras

    from course_utils.layers import cells
    from course_utils.training.engine import train

    keras.utils.set_random_seed(0)
    course = implementation.startswith("course")
    if course:
        cell = {"SimpleRNN": cells.SimpleRNNCell, "LSTM": cells.LSTMCell,
                "GRU": cells.GRUCell}[kind](shape["hidden"])
        recurrent = keras.layers.RNN(cell, return_sequences=True)
    else:
        recurrent = getattr(keras.layers, kind)(shape["hidden"], return_sequences=True)
    model = keras.Sequential([keras.Input((shape["steps"],), dtype="int32"),
                              keras.layers.Embedding(shape["vocabulary"], shape["embedding"]),
                              recurrent, keras.layers.Dense(shape["vocabulary"])])
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    if not course:
        model.compile(optimizer="adam", loss=loss, jit_compile=implementation == "keras-xla")

    def train_on(batches):
        x, y = (a[:batches * shape["batch"]] for a in data)
        if course:
            history = train(model, x, y, loss=loss, metrics=(), batch_size=shape["batch"],
                            shuffle=False, steps_per_call=shape["steps_per_call"],
                            fast_rnn=implementation == "course")
            if not history.xla_used:
                raise RuntimeError("course_utils.train fell back from XLA")
        else:
            model.fit(x, y, batch_size=shape["batch"], epochs=1, shuffle=False, verbose=0)

    return timed(train_on)


def torch_setup(threads):
    """Import PyTorch with `threads` intra-op threads and one inter-op thread; its version."""
    import torch

    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    return f"PyTorch {torch.__version__}"


def torch_runner(shape, kind, data):
    import torch

    torch.manual_seed(0)
    embedding = torch.nn.Embedding(shape["vocabulary"], shape["embedding"])
    recurrent = {"SimpleRNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[kind](
        shape["embedding"], shape["hidden"], batch_first=True)
    dense = torch.nn.Linear(shape["hidden"], shape["vocabulary"])
    parameters = [*embedding.parameters(), *recurrent.parameters(), *dense.parameters()]
    optimizer = torch.optim.Adam(parameters, lr=1e-3)
    x, y = (torch.as_tensor(a, dtype=torch.long) for a in data)
    batch = shape["batch"]

    def train_on(batches):
        for i in range(0, batches * batch, batch):
            logits = dense(recurrent(embedding(x[i:i + batch]))[0])
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                                     y[i:i + batch].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    return timed(train_on)


def loaded_frameworks():
    return [name for name in FRAMEWORKS if name in sys.modules]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("implementation", choices=IMPLEMENTATIONS)
    parser.add_argument("--shape", type=json.loads, default=None,
                        help="JSON: batch, steps, embedding, hidden, vocabulary, steps_per_call, "
                             "batches (the most any request asks for)")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--probe", action="store_true", help="import the framework, say so, exit")
    args = parser.parse_args(argv)
    protocol = os.fdopen(os.dup(1), "w")  # the answers; anything else printed goes to stderr
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    torch_side = args.implementation == "torch"
    version = (torch_setup if torch_side else tensorflow_setup)(args.threads)
    runners = {}
    if not args.probe:
        data = make_data(args.shape, args.shape["batches"])
        for kind in args.kinds.split(","):
            runners[kind] = (torch_runner(args.shape, kind, data) if torch_side else
                             tensorflow_runner(args.implementation, args.shape, kind, data))
    print(json.dumps({"ready": args.implementation, "pid": os.getpid(), "version": version,
                      "modules": loaded_frameworks(), "threads": args.threads}), file=protocol,
          flush=True)
    if args.probe:
        return 0
    for line in sys.stdin:
        if not line.strip():
            break
        request = json.loads(line)
        wall, cpu = runners[request["kind"]](request["batches"])
        print(json.dumps({"wall": wall, "cpu": cpu}), file=protocol, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
