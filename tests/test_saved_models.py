"""`.keras` files saved before the package's layout changed still load and give the same outputs.

The files in tests/fixtures/saved_models/ were written by tests/fixtures/make_saved_models.py at
commit 6ae7969 (one small model per serializable course layer). Outputs are compared within
float32 round-off (rtol 1e-5): another machine's kernels may round differently.
"""

import json
import pathlib

import course_utils  # noqa: F401 (registers the course's layers with Keras)
import keras
import numpy as np
import pytest

FOLDER = pathlib.Path(__file__).parent / "fixtures" / "saved_models"
EXPECTED = np.load(FOLDER / "expected.npz")
NAMES = sorted(p.stem for p in FOLDER.glob("*.keras"))


def test_every_serializable_layer_is_covered():
    saved = set()
    for name in NAMES:
        model = keras.saving.load_model(FOLDER / f"{name}.keras")
        config = json.dumps(model.get_config())
        saved |= {
            part.split('"')[0] for part in config.split('"registered_name": "course_utils>')[1:]
        }
        saved.add(type(model).__name__)  # a saved course model (Seq2Seq) is not in its own config
    saved |= {"MaskedSequenceLoss"}
    expected = {
        "SimpleRNNCell",
        "LSTMCell",
        "GRUCell",
        "FastRNN",
        "Bidirectional",
        "LeakyRNNCell",
        "SkipRNNCell",
        "RNNStack",
        "DeepTransitionCell",
        "LayerNormSimpleRNNCell",
        "LayerNormLSTMCell",
        "ResidualStackedCells",
        "EchoStateNetwork",
        "PositionalEncoding",
        "TransformerEncoderLayer",
        "TreeRNN",
        "TreeLSTM",
        "Seq2Seq",
        "Encoder",
        "Decoder",
        "BahdanauAttention",
        "LuongAttention",
        "MaskedSequenceLoss",
    }
    assert expected <= saved, sorted(expected - saved)


@pytest.mark.parametrize("name", NAMES)
def test_a_model_saved_before_loads_and_gives_the_same_outputs(name):
    model = keras.saving.load_model(FOLDER / f"{name}.keras")
    inputs = [EXPECTED[key] for key in sorted(EXPECTED.files) if key.startswith(f"{name}/input")]
    kind = str(EXPECTED[f"{name}/kind"])
    x = {"ndarray": lambda: inputs[0], "list": lambda: inputs, "tuple": lambda: tuple(inputs)}[
        kind
    ]()
    np.testing.assert_allclose(
        np.asarray(model(x)), EXPECTED[f"{name}/output"], rtol=1e-5, atol=1e-6
    )


def test_the_masked_loss_config_saved_before_deserializes():
    loss = keras.saving.deserialize_keras_object(
        json.loads((FOLDER / "masked_loss.json").read_text())
    )
    assert type(loss).__name__ == "MaskedSequenceLoss"
    y_true = np.array([[3, 2, 0]])
    logits = np.log(np.full((1, 3, 4), 0.25, "float32"))
    np.testing.assert_allclose(float(loss(y_true, logits)), np.log(4.0), rtol=1e-6)
