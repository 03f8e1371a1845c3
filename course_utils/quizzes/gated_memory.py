"""Quiz, part 2: gated and long memory (notebooks 05-07): LSTM and GRU gates, leaky units, echo
state networks."""

from course_utils.quizzes.core import RIGHT, WRONG, question

TITLE = "Gated and long memory"
NOTEBOOKS = (5, 6, 7)

QUESTIONS = (
    question(
        "Which gates does a standard LSTM cell have?",
        ("a", RIGHT, "A forget gate.", "Yes: it scales the old cell state, element by element."),
        (
            "b",
            RIGHT,
            "An input gate.",
            "Yes: it scales the candidate values before they are added to the cell state.",
        ),
        ("c", WRONG, "A reset gate.", "No: the reset gate belongs to the GRU."),
        (
            "d",
            RIGHT,
            "An output gate.",
            "Yes: it decides how much of tanh(c_t) is exposed as the hidden state h_t.",
        ),
        notebooks=(5,),
    ),
    question(
        "What does the forget gate `f_t` of an LSTM output?",
        (
            "a",
            WRONG,
            "A binary decision for every element: 0 (forget) or 1 (keep).",
            "No: the gate is a sigmoid, whose output lies strictly between 0 and 1, so it can keep "
            "30 % of an element. Values near 0 or 1 are learned, not built in. Some lecture notes "
            "call this output binary.",
        ),
        (
            "b",
            RIGHT,
            "For every element of the cell state, a number in (0, 1): how much of "
            "`c_{t-1}` to keep.",
            "Yes: f_t multiplies c_{t-1} element by element.",
        ),
        (
            "c",
            WRONG,
            "The new information to write into the cell state.",
            "No: new information enters through the input gate times the candidate, i_t * c~_t.",
        ),
        (
            "d",
            RIGHT,
            "A value computed from `h_{t-1}` and `x_t` with the gate's own weights.",
            "Yes: f_t = sigmoid(W_f x_t + U_f h_{t-1} + b_f).",
        ),
        notebooks=(5,),
        corrects="sigmoid_not_binary",
    ),
    question(
        "Which update of the LSTM cell state is right (⊙ is the element-wise product)?",
        (
            "a",
            WRONG,
            "`c_t = (1 − f_t) ⊙ c_{t-1}`",
            "No: that only forgets and never writes anything new (and f_t = 1 would mean "
            "forgetting everything).",
        ),
        (
            "b",
            WRONG,
            "`c_t = o_t ⊙ c_{t-1} + i_t ⊙ c̃_t`",
            "No: the output gate does not touch the cell state; it only decides what of tanh(c_t) "
            "becomes h_t.",
        ),
        (
            "c",
            WRONG,
            "`c_t = c_{t-1} ⊙ c̃_t`",
            "No: a purely multiplicative update would squash the memory at every step. One set of "
            "lecture notes has this typo in its equation list; the real update is additive, gated "
            "by f_t and i_t.",
        ),
        (
            "d",
            RIGHT,
            "`c_t = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t`",
            "Yes: keep part of the old state, add part of the candidate. The addition is what lets "
            "the gradient flow along the cell state.",
        ),
        notebooks=(5,),
        corrects="lstm_equations",
    ),
    question(
        "Which statements about the hidden state `h_t` of an LSTM are true?",
        (
            "a",
            WRONG,
            "`h_t` is the long-term memory of the cell.",
            "No: the cell state c_t is the long-term memory; h_t is what the cell shows of it at "
            "this step.",
        ),
        (
            "b",
            RIGHT,
            "`h_t = o_t ⊙ tanh(c_t)`.",
            "Yes: the output gate filters the squashed cell state.",
        ),
        (
            "c",
            RIGHT,
            "`h_t` is what the next layer, the output layer and the gates at step t + 1 see.",
            "Yes: every gate and the candidate at the next step read h_t, not c_t.",
        ),
        (
            "d",
            WRONG,
            "`h_t` is the same as `c_t`.",
            "No: they differ by the tanh and the output gate.",
        ),
        notebooks=(5,),
    ),
    question(
        "You force the forget gate of an LSTM to 0 at every step. What happens?",
        (
            "a",
            RIGHT,
            "The cell state keeps nothing of `c_{t-1}`: `c_t = i_t ⊙ c̃_t`.",
            "Yes: the old state is multiplied by zero, so the cell is rebuilt from scratch at "
            "every step.",
        ),
        (
            "b",
            WRONG,
            "The output no longer depends on any earlier input.",
            "Not quite: the gates and the candidate still read h_{t-1}, so information passes from "
            "one step to the next through the hidden state, as in a vanilla RNN. What is lost is "
            "the long-lived memory.",
        ),
        (
            "c",
            RIGHT,
            "The gradient path along the cell state is cut.",
            "Yes: dc_t/dc_{t-1} = f_t = 0, so the path that carries gradients over long distances "
            "is gone.",
        ),
        (
            "d",
            WRONG,
            "Nothing changes, because the input gate compensates.",
            "No: the input gate can only write new content; it cannot bring back what the forget "
            "gate erased.",
        ),
        notebooks=(5,),
    ),
    question(
        "Why do LSTMs suffer much less from vanishing gradients than vanilla RNNs?",
        (
            "a",
            RIGHT,
            "The cell state is updated additively, and along it the gradient is multiplied "
            "by `f_t`, which the network can keep close to 1.",
            "Yes: with f_t near 1 the gradient passes along the cell state almost unchanged, step "
            "after step.",
        ),
        (
            "b",
            WRONG,
            "They use only linear activation functions.",
            "No: the gates are sigmoids and the candidate and output use tanh. Only the cell-state "
            "path is linear.",
        ),
        (
            "c",
            WRONG,
            "They have no hidden state.",
            "No: an LSTM has both a hidden state and a cell state.",
        ),
        (
            "d",
            RIGHT,
            "The gates learn when to keep and when to overwrite, so useful information is "
            "not overwritten at every step.",
            "Yes: a vanilla RNN rewrites its whole state at every step; an LSTM writes "
            "selectively.",
        ),
        notebooks=(5,),
    ),
    question(
        "An LSTM layer has m = 20 inputs and n = 128 units. Which statements are right?",
        (
            "a",
            WRONG,
            "It has `3(n·m + n² + n)` parameters.",
            "No: three blocks is a GRU (with one bias per block, Keras's reset_after=False).",
        ),
        (
            "b",
            RIGHT,
            "That is 76288 parameters.",
            "Yes: 4 * (2560 + 16384 + 128) = 4 * 19072 = 76288.",
        ),
        (
            "c",
            WRONG,
            "It has `n·m + n² + n` = 19072 parameters.",
            "No: that is a vanilla RNN layer, one block.",
        ),
        (
            "d",
            RIGHT,
            "It has `4(n·m + n² + n)` parameters.",
            "Yes: four blocks (input, forget and output gates and the candidate), each with an "
            "input matrix, a recurrent matrix and a bias.",
        ),
        notebooks=(5,),
    ),
    question(
        "How can you reduce the number of parameters of an LSTM layer?",
        (
            "a",
            RIGHT,
            "Prune small weights, or factorise the matrices into low-rank products.",
            "Yes: both keep the layer but store fewer numbers.",
        ),
        (
            "b",
            RIGHT,
            "Use fewer units.",
            "Yes: the count 4(n*m + n^2 + n) falls roughly with the square of the units n (at the "
            "price of capacity).",
        ),
        (
            "c",
            RIGHT,
            "Use a GRU instead.",
            "Yes: three blocks instead of four, about three quarters of the parameters.",
        ),
        (
            "d",
            WRONG,
            "Unroll it over fewer time steps.",
            "No: the weights are shared across steps, so the count does not depend on the number "
            "of steps.",
        ),
        notebooks=(5, 6),
    ),
    question(
        "How does a GRU differ from an LSTM?",
        (
            "a",
            RIGHT,
            "Its update gate does the work of the LSTM's forget and input gates: "
            "`h_t = (1 − z_t) ⊙ h_{t-1} + z_t ⊙ h̃_t`.",
            "Yes: one gate decides both how much to keep and how much to write. (Some texts swap z "
            "and 1 - z; the idea is the same.)",
        ),
        (
            "b",
            WRONG,
            "It has more parameters than an LSTM of the same size.",
            "No: three blocks instead of four, so fewer.",
        ),
        (
            "c",
            WRONG,
            "It beats the LSTM on every task.",
            "No: neither wins everywhere; compare them on your task (notebook 06 does).",
        ),
        ("d", RIGHT, "It has no separate cell state.", "Yes: the hidden state is also the memory."),
        notebooks=(6,),
    ),
    question(
        "What does the reset gate `r_t` of a GRU do?",
        (
            "a",
            RIGHT,
            "It decides how much of `h_{t-1}` is used to compute the candidate `h̃_t`.",
            "Yes: with r_t near 0 the candidate ignores the past and depends on the input alone.",
        ),
        (
            "b",
            WRONG,
            "It interpolates between the old state and the candidate.",
            "No: that is the update gate z_t.",
        ),
        (
            "c",
            WRONG,
            "It resets the network's weights.",
            "No: gates act on states during a forward pass, never on weights.",
        ),
        ("d", RIGHT, "Its output lies in (0, 1).", "Yes: like every gate, it is a sigmoid."),
        notebooks=(6,),
    ),
    question(
        "Which statements about leaky units are true?",
        (
            "a",
            RIGHT,
            "With α close to 1 the unit changes slowly and remembers over long time scales.",
            "Yes: the old value decays like alpha^k, slowly when alpha is near 1.",
        ),
        (
            "b",
            WRONG,
            "Dropout is a kind of leaky unit.",
            "No: dropout is a regulariser that zeroes random units during training. Some lecture "
            "notes list it under leaky units, but the two ideas are unrelated.",
        ),
        (
            "c",
            RIGHT,
            "A leaky unit has a linear self-connection: `h_t = α h_{t-1} + (1 − α) f(x_t, "
            "h_{t-1})`.",
            "Yes: part of the old value leaks into the new one, with a time constant set by alpha.",
        ),
        (
            "d",
            WRONG,
            "Skip connections through time and leaky units are the same mechanism.",
            "No: both help with long time scales, but a skip connection adds an edge from h_{t-d} "
            "to h_t, while a leaky unit mixes its own previous value into its new one.",
        ),
        notebooks=(7,),
        corrects="leaky_units",
    ),
    question(
        "Which statements about echo state and Hopfield networks are true?",
        (
            "a",
            RIGHT,
            "The reservoir is usually scaled to a spectral radius a little below 1, so old "
            "inputs fade out of the state.",
            "Yes: the state then 'echoes' recent inputs and forgets its starting point (the echo "
            "state property).",
        ),
        (
            "b",
            WRONG,
            "An echo state network trains its reservoir with backpropagation through time.",
            "No: the reservoir is never trained; that is the point of the design.",
        ),
        (
            "c",
            RIGHT,
            "In an echo state network the recurrent weights are random and fixed; only the "
            "read-out is trained.",
            "Yes: training is a linear regression on the reservoir's states, fast and without "
            "BPTT.",
        ),
        (
            "d",
            RIGHT,
            "A Hopfield network has symmetric weights and settles into stored patterns: an "
            "associative memory.",
            "Yes: started from a corrupted pattern, it converges to the nearest stored one.",
        ),
        notebooks=(7,),
    ),
)
