"""Tests for course_utils.check.foundations: right, wrong and malformed answers for every check."""

import numpy as np
import pytest

from course_utils.analysis import bptt
from course_utils.check import foundations as check


def message(result):
    return result.message


# -- reference solutions (written here, independently of the module) ---------------------------
def good_unroll(f, s0, xs, theta):
    states, s = [], s0
    for x in xs:
        s = f(s, x, theta)
        states.append(s)
    return states


def good_rnn_step(x, h, w_x, w_h, b):
    return np.tanh(x @ w_x + h @ w_h + b)


def good_perplexity(p):
    return float(np.exp(-np.mean(np.log(p))))


def good_softmax(logits, temperature):
    z = np.asarray(logits) / temperature
    e = np.exp(z - z.max())
    return e / e.sum()


def good_bptt(states, w_h, local):
    grad, carry = np.zeros_like(w_h), np.zeros(w_h.shape[0])
    for t in range(len(local) - 1, -1, -1):
        delta = (local[t] + carry) * (1 - states[t + 1] ** 2)
        grad += np.outer(states[t], delta)
        carry = delta @ w_h.T
    return grad


def good_numerical(f, x, eps):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = f(x)
        x[i] = old - eps
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def good_clip(grads, clip):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    return [g * min(1.0, clip / norm) for g in grads]


class TestParameterCount:
    def test_right(self):
        assert check.parameter_count(50 * 32 + 32 * 32 + 32 + 32 * 8 + 8)

    @pytest.mark.parametrize(
        "answer,hint", [(292000, "same weights"), (2880, "biases"), (1896, "W_hh"), (7, "count")]
    )
    def test_wrong(self, answer, hint):
        result = check.parameter_count(answer)
        assert not result and hint in message(result) and "2920" not in message(result)

    @pytest.mark.parametrize("answer", ["2920", None, True, float("nan")])
    def test_malformed(self, answer):
        assert not check.parameter_count(answer)


class TestDesignPatterns:
    right = {
        "classify a single image": "one-to-one",
        "caption an image": "one to many",
        "sentiment of a review": "many_to_one",
        "tag every word with its part of speech": "many-to-many synced",
        "translate English to German": "Many-to-many (unsynced)",
    }

    def test_right(self):
        assert check.design_patterns(self.right)

    def test_wrong_names_task_not_answer(self):
        answer = dict(self.right, **{"caption an image": "many-to-one"})
        result = check.design_patterns(answer)
        assert (
            not result
            and "caption an image" in message(result)
            and "one-to-many" not in message(result)
        )

    def test_vague_many_to_many(self):
        answer = dict(self.right, **{"translate English to German": "many-to-many"})
        assert "synced or unsynced" in message(check.design_patterns(answer))

    def test_malformed(self):
        assert "dict" in message(check.design_patterns(["one-to-one"]))
        assert "no answer" in message(check.design_patterns({}))


class TestUnroll:
    def test_right(self):
        assert check.unroll(good_unroll)

    def test_includes_initial_state(self):
        result = check.unroll(lambda f, s0, xs, th: [s0] + good_unroll(f, s0, xs, th))
        assert "s(0)" in message(result)

    def test_returns_only_last_or_inputs(self):
        assert not check.unroll(lambda f, s0, xs, th: good_unroll(f, s0, xs, th)[-1])
        assert not check.unroll(lambda f, s0, xs, th: xs)

    def test_recomputes_from_scratch_counts_calls(self):
        def wasteful(f, s0, xs, th):
            return [good_unroll(f, s0, xs[: t + 1], th)[-1] for t in range(len(xs))]

        assert "called" in message(check.unroll(wasteful))


class TestRnnStep:
    def test_right(self):
        assert check.rnn_step(good_rnn_step)

    @pytest.mark.parametrize(
        "wrong,hint",
        [
            (lambda x, h, wx, wh, b: x @ wx + h @ wh + b, "tanh"),
            (lambda x, h, wx, wh, b: 1 / (1 + np.exp(-(x @ wx + h @ wh + b))), "sigmoid"),
            (lambda x, h, wx, wh, b: np.tanh(x @ wx + h @ wh), "bias"),
            (lambda x, h, wx, wh, b: np.tanh(x @ wx + h @ wh.T + b), "transposed"),
            (lambda x, h, wx, wh, b: np.tanh(x @ wx + b), "recurrence"),
            (lambda x, h, wx, wh, b: h, "inputs unchanged"),
            (lambda x, h, wx, wh, b: np.zeros_like(h), "differ"),
        ],
    )
    def test_wrong(self, wrong, hint):
        result = check.rnn_step(wrong)
        assert not result and hint in message(result)

    def test_reference_object_rejected(self):
        assert "you wrote" in message(check.rnn_step(bptt.rnn_step))

    def test_mutating_inputs_does_not_fool_the_check(self):
        def cheat(x, h, wx, wh, b):
            h[...] = 0.0
            wx[...] = 0.0
            return np.tanh(b) * np.ones((x.shape[0], 1))

        assert not check.rnn_step(cheat)

    def test_wrong_shape_and_type(self):
        assert "shape" in message(check.rnn_step(lambda x, h, wx, wh, b: np.zeros(3)))
        assert "array of numbers" in message(check.rnn_step(lambda *args: "h"))
        assert "NaN" in message(check.rnn_step(lambda x, h, wx, wh, b: np.full(h.shape, np.nan)))

    def test_exception_inside(self):
        def broken(*args):
            raise KeyError("oops")

        result = check.rnn_step(broken)
        assert not result and "KeyError" in message(result)

    def test_not_a_function(self):
        assert "expected a function" in message(check.rnn_step(42))

    def test_endless_loop(self, short_time_limit, endless):
        result = check.rnn_step(endless)
        assert not result and "did not return" in message(result)


class TestPerplexity:
    def test_right(self):
        assert check.perplexity(good_perplexity)

    @pytest.mark.parametrize(
        "wrong,hint",
        [
            (lambda p: -np.mean(np.log(p)), "exponential"),
            (lambda p: np.exp(np.mean(np.log(p))), "sign"),
            (lambda p: 1 / np.mean(p), "log-probabilities"),
            (lambda p: np.exp(-np.sum(np.log(p))), "mean"),
            (lambda p: -np.mean(np.log2(p)), "bits"),
            (lambda p: 3.0, "differs"),
        ],
    )
    def test_wrong(self, wrong, hint):
        result = check.perplexity(wrong)
        assert not result and hint in message(result)

    def test_array_returned(self):
        assert "one number" in message(check.perplexity(lambda p: p))


class TestTemperatureSoftmax:
    def test_right(self):
        assert check.temperature_softmax(good_softmax)

    @pytest.mark.filterwarnings("ignore::RuntimeWarning")
    def test_unstable(self):
        def naive(logits, t):
            e = np.exp(np.asarray(logits) / t)
            return e / e.sum()

        result = check.temperature_softmax(naive)
        assert "subtract" in message(result)

    @pytest.mark.parametrize(
        "wrong,hint",
        [
            (lambda z, t: good_softmax(z * t * t, t), "multiply"),
            (lambda z, t: np.exp(z / t - np.max(z / t)), "sum to 1"),
            (lambda z, t: good_softmax(z, 1.0), "not used"),
        ],
    )
    def test_wrong(self, wrong, hint):
        assert hint in message(check.temperature_softmax(wrong))


class TestBpttGradient:
    def test_right(self):
        assert check.bptt_gradient(good_bptt)

    @pytest.mark.parametrize(
        "wrong,hint",
        [
            (lambda s, w, g: good_bptt(s, w, g).T, "transposed"),
            (
                lambda s, w, g: sum(
                    np.outer(s[t], g[t] * (1 - s[t + 1] ** 2)) for t in range(len(g))
                ),
                "later steps",
            ),
            (lambda s, w, g: np.zeros_like(w), "differs"),
            (lambda s, w, g: w, "inputs"),
        ],
    )
    def test_wrong(self, wrong, hint):
        result = check.bptt_gradient(wrong)
        assert not result
        if hint != "inputs":
            assert hint in message(result)

    def test_without_tanh_derivative(self):
        def no_tanh(states, w_h, local):
            grad, carry = np.zeros_like(w_h), np.zeros(w_h.shape[0])
            for t in range(len(local) - 1, -1, -1):
                delta = local[t] + carry
                grad += np.outer(states[t], delta)
                carry = delta @ w_h.T
            return grad

        assert "tanh" in message(check.bptt_gradient(no_tanh))

    def test_endless_loop(self, short_time_limit, endless):
        assert "did not return" in message(check.bptt_gradient(endless))


class TestNumericalGradient:
    def test_right(self):
        assert check.numerical_gradient(good_numerical)

    def test_one_sided(self):
        def forward(f, x, eps):
            grad = np.zeros_like(x)
            base = f(x)
            for i in np.ndindex(x.shape):
                y = x.copy()
                y[i] += eps
                grad[i] = (f(y) - base) / eps
            return grad

        assert "central difference" in message(check.numerical_gradient(forward))

    def test_mutates_x(self):
        def sloppy(f, x, eps):
            result = good_numerical(f, x, eps)
            x += eps
            return result

        assert "changed" in message(check.numerical_gradient(sloppy))

    def test_constant(self):
        assert not check.numerical_gradient(lambda f, x, eps: np.ones_like(x))


class TestGradientDecay:
    def test_right(self):
        assert check.gradient_decay(0.8**10)
        assert check.gradient_decay(0.1074)

    @pytest.mark.parametrize(
        "answer,hint", [(0.8**9, "off by one"), (1.25**10, "growth"), (8.0, "multiply"), (0.5, "ρ")]
    )
    def test_wrong(self, answer, hint):
        result = check.gradient_decay(answer)
        assert not result and hint in message(result)

    def test_malformed(self):
        assert not check.gradient_decay("0.107")


class TestClipByGlobalNorm:
    def test_right(self):
        assert check.clip_by_global_norm(good_clip)

    @pytest.mark.parametrize(
        "wrong,hint",
        [
            (lambda gs, c: [g * min(1.0, c / np.linalg.norm(g)) for g in gs], "on its own"),
            (lambda gs, c: [np.clip(g, -c, c) for g in gs], "by value"),
            (
                lambda gs, c: [g * c / np.sqrt(sum(np.sum(h**2) for h in gs)) for g in gs],
                "unchanged",
            ),
            (lambda gs, c: gs, "differ"),
        ],
    )
    def test_wrong(self, wrong, hint):
        result = check.clip_by_global_norm(wrong)
        assert not result and hint in message(result)

    def test_malformed(self):
        assert "list of" in message(check.clip_by_global_norm(lambda gs, c: np.zeros(3)))
        assert "shape" in message(check.clip_by_global_norm(lambda gs, c: [np.zeros(2)] * len(gs)))


class TestPrinting:
    def test_prints_one_line(self, capsys):
        check.gradient_decay(0.8**10)
        out = capsys.readouterr().out
        assert out.startswith("[gradient_decay] correct") and out.count("\n") == 1
