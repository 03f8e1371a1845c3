"""Quiz, part 1: foundations (notebooks 01-04): the vanilla RNN, unfolding, parameter sharing, BPTT,
gradients."""

from course_utils.quizzes.core import RIGHT, WRONG, question

TITLE = "Foundations"
NOTEBOOKS = (1, 2, 3, 4)

QUESTIONS = (
    question(
        "Which statements about a vanilla recurrent network are true?",
        (
            "a",
            WRONG,
            "It uses gates to decide what to keep and what to forget.",
            "No: gates belong to the LSTM and the GRU. A vanilla RNN applies the same tanh layer "
            "at every step, with nothing gating it.",
        ),
        (
            "b",
            RIGHT,
            "Training it on long sequences suffers from vanishing or exploding gradients.",
            "Yes: the gradient that reaches an early step is a product of one Jacobian per step in "
            "between, which shrinks or grows exponentially with the distance.",
        ),
        (
            "c",
            RIGHT,
            "Its hidden state is a running summary of everything it has read so far.",
            "Yes: h_t is computed from h_{t-1} and x_t, so it folds in the whole prefix x_1 ... "
            "x_t. The summary is lossy, since the state has a fixed size whatever the length.",
        ),
        (
            "d",
            WRONG,
            "It learns dependencies across hundreds of steps as easily as across a few.",
            "No: that is exactly what vanishing gradients prevent. The learning signal from a "
            "distant step is exponentially small, so the dependency is hardly learned.",
        ),
        notebooks=(1, 4),
    ),
    question(
        "In the network `h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)`, what does `h_t` depend on "
        "directly?",
        (
            "a",
            WRONG,
            "The output `y_{t-1}` of the previous step.",
            "Not in this network: the output is computed from the hidden state but not fed back. "
            "(Some networks do feed outputs back, e.g. a decoder that reads its previous "
            "prediction.)",
        ),
        (
            "b",
            RIGHT,
            "The previous hidden state `h_{t-1}`.",
            "Yes, through the recurrent matrix W_hh: this is the recurrence itself.",
        ),
        ("c", RIGHT, "The current input `x_t`.", "Yes, through the input matrix W_xh."),
        (
            "d",
            WRONG,
            "A cell state `c_t`.",
            "No: a separate cell state is what the LSTM adds; this network has none.",
        ),
        notebooks=(1,),
    ),
    question(
        "An RNN with 20 inputs, 128 hidden units and a dense output layer of 10 units is unrolled "
        "for 10 time steps. How many parameters does it have?",
        ("a", WRONG, "20224", "This forgets the two bias vectors, 128 + 10 parameters."),
        (
            "b",
            RIGHT,
            "20362",
            "Yes: 20*128 + 128*128 + 128*10 + 128 + 10 = 20362, for 5 steps, 10 "
            "steps or any number of steps.",
        ),
        (
            "c",
            WRONG,
            "19072",
            "This is the recurrent layer alone (20*128 + 128*128 + 128); the "
            "output layer's 128*10 + 10 parameters are missing.",
        ),
        (
            "d",
            WRONG,
            "203620",
            "That would be ten separate copies of every array, one per step. An "
            "RNN reuses the same weights at every step.",
        ),
        notebooks=(1,),
    ),
    question(
        "A homework solution for that network labels the 128·128 = 16384 parameters 'hidden to "
        "output (W_hh)' and the 128·10 = 1280 parameters 'hidden to hidden (W_hy)'. Which "
        "statements are right?",
        (
            "a",
            RIGHT,
            "The 1280 parameters belong to the hidden-to-output matrix `W_hy`.",
            "Yes: W_hy maps 128 hidden units to 10 outputs, so it is 10 x 128.",
        ),
        (
            "b",
            WRONG,
            "The total of 20362 is wrong as well.",
            "No: every number and the total are right; only the two labels are swapped.",
        ),
        (
            "c",
            RIGHT,
            "The 16384 parameters belong to the hidden-to-hidden matrix `W_hh`.",
            "Yes: W_hh maps the 128 numbers of h_{t-1} to the 128 numbers of h_t, so it is 128 x "
            "128.",
        ),
        (
            "d",
            WRONG,
            "The labels are right: the output matrix is the larger one.",
            "No: the output has only 10 units, so its matrix has 128*10 entries, far fewer than "
            "128*128.",
        ),
        notebooks=(1,),
        corrects="swapped_labels",
    ),
    question(
        "What does sharing the same weights across all time steps give a recurrent network?",
        (
            "a",
            WRONG,
            "Gradients that cannot vanish, because the same matrix is used everywhere.",
            "The reverse: because the same W_hh is used at every step, the backward pass "
            "multiplies by (nearly) the same matrix again and again, which is what makes gradients "
            "vanish or explode.",
        ),
        (
            "b",
            RIGHT,
            "The ability to read sequences longer than any it saw in training.",
            "Yes: the learned transition applies at any position, so no length is out of reach "
            "(how well it works that far is a separate question).",
        ),
        (
            "c",
            WRONG,
            "A separate bias for every time step, so each position can be tuned.",
            "No: shared means one bias for all steps. Per-step parameters would tie the model to "
            "one length.",
        ),
        (
            "d",
            RIGHT,
            "A parameter count that does not depend on the sequence length.",
            "Yes: unrolling for more steps copies the computation, not the parameters.",
        ),
        notebooks=(1,),
    ),
    question(
        "The dynamical system `s_t = f(s_{t-1}; θ)` is unfolded for three steps. Which statements "
        "are true?",
        (
            "a",
            RIGHT,
            "The result is `s_3 = f(f(s_1; θ); θ)`, a graph without cycles.",
            "Yes: unfolding turns the recurrence into a directed acyclic graph, which can be "
            "evaluated and differentiated like any feed-forward graph.",
        ),
        (
            "b",
            RIGHT,
            "Every copy of `f` in the unfolded graph uses the same `θ`.",
            "Yes: that is parameter sharing.",
        ),
        (
            "c",
            WRONG,
            "Unfolding changes the function the system computes.",
            "No: the rolled and the unrolled graph compute the same thing; unfolding only draws "
            "each step.",
        ),
        (
            "d",
            WRONG,
            "With an external input `x_t` the system can no longer be unfolded.",
            "No: s_t = f(s_{t-1}, x_t; θ) unfolds the same way, with one input entering at every "
            "step.",
        ),
        notebooks=(1,),
    ),
    question(
        "Which pairs of task and input/output pattern are right?",
        (
            "a",
            RIGHT,
            "The sentiment of a whole review: many-to-one.",
            "Yes: read the whole sequence, output one label at the end (an acceptor).",
        ),
        (
            "b",
            RIGHT,
            "Part-of-speech tagging: many-to-many, synced (one tag per word).",
            "Yes: one output per input step (a transducer).",
        ),
        (
            "c",
            RIGHT,
            "Image captioning: one-to-many.",
            "Yes: one input (the image's features), a sequence of words out.",
        ),
        (
            "d",
            WRONG,
            "Translation: many-to-many synced, since a sentence and its translation have "
            "the same length.",
            "No: lengths and word order differ, so translation is many-to-many unsynced: an "
            "encoder reads the whole input, then a decoder writes the output (notebook 11).",
        ),
        notebooks=(1,),
    ),
    question(
        "A recurrent network with an output at every step is trained with backpropagation through "
        "time (BPTT). Which statements are true?",
        (
            "a",
            RIGHT,
            "The gradient with respect to `W_hh` is a sum of contributions from every time step.",
            "Yes: W_hh is used at every step, so its gradient adds up what each use contributes.",
        ),
        (
            "b",
            RIGHT,
            "The loss is the sum of the per-step losses, `L = Σ_t L_t`.",
            "Yes: every step's prediction contributes its own loss term.",
        ),
        (
            "c",
            RIGHT,
            "Truncated BPTT backpropagates only k steps: it saves time and memory, but the "
            "gradient no longer sees dependencies longer than k.",
            "Yes: full BPTT stores every step, so its cost grows linearly with the length; "
            "truncation caps the cost and gives up the longer gradient paths.",
        ),
        (
            "d",
            WRONG,
            "Each unrolled copy of the weights gets its own update, and the copies are "
            "averaged after training.",
            "No: there is only one set of weights. The copies in the unrolled graph are the same "
            "arrays, and their gradient contributions are summed into one update.",
        ),
        notebooks=(2, 3),
    ),
    question(
        "Which statements about the activation functions tanh and σ (the logistic sigmoid) are "
        "right?",
        (
            "a",
            RIGHT,
            "tanh maps any number into (−1, 1).",
            "Yes: tanh is zero-centred, with range (-1, 1).",
        ),
        (
            "b",
            RIGHT,
            "`σ'(z) ≤ 1/4` and `tanh'(z) ≤ 1`: the activation's derivative can only shrink "
            "a gradient passing through it.",
            "Yes: the largest slopes are 1/4 (sigmoid) and 1 (tanh), both at z = 0, and they fall "
            "towards 0 when the unit saturates. That is why saturating units feed vanishing "
            "gradients.",
        ),
        (
            "c",
            WRONG,
            "Both squash their input into (0, 1).",
            "No: only the sigmoid's range is (0, 1); tanh's is (-1, 1). Some lecture notes get "
            "this wrong.",
        ),
        (
            "d",
            WRONG,
            "`tanh'(z) = 1` everywhere, so tanh networks cannot have vanishing gradients.",
            "No: tanh'(z) = 1 - tanh(z)^2 equals 1 only at z = 0 and tends to 0 as |z| grows.",
        ),
        notebooks=(4,),
        corrects="tanh_range",
    ),
    question(
        "Near `h = 0` the gradient that flows from step T back to step k is roughly multiplied by "
        "`(W_hhᵀ)^(T−k)`. What happens as `T − k` grows?",
        (
            "a",
            WRONG,
            "Nothing: the distance between the steps does not matter, only the learning rate.",
            "No: the exponent is the distance T - k, so the distance is exactly what matters.",
        ),
        (
            "b",
            RIGHT,
            "If the spectral radius of `W_hh` is below 1, the gradient vanishes exponentially.",
            "Yes: its norm shrinks like radius^(T-k).",
        ),
        (
            "c",
            WRONG,
            "If the spectral radius is above 1, the gradient vanishes.",
            "No: a radius above 1 makes the product grow; below 1 makes it shrink.",
        ),
        (
            "d",
            RIGHT,
            "If the spectral radius is above 1, the gradient can explode exponentially.",
            "Yes: along the leading eigenvector its norm grows like radius^(T-k).",
        ),
        notebooks=(4,),
    ),
    question(
        "Which are sound remedies for gradient problems in recurrent networks?",
        (
            "a",
            RIGHT,
            "Gated cells such as the LSTM and the GRU.",
            "Yes: their additive state update gives the gradient a path that is not squashed at "
            "every step (notebooks 05, 06).",
        ),
        (
            "b",
            WRONG,
            "Batch normalisation inside the recurrent cell, the standard choice for RNNs.",
            "No: batch statistics per time step are awkward for sequences of varying length; "
            "inside recurrent cells layer normalisation (statistics over the units of one example "
            "at one step) is the usual choice. Some lecture notes name batch normalisation here.",
        ),
        (
            "c",
            RIGHT,
            "Clipping the gradient by its global norm, against exploding gradients.",
            "Yes: rescaling a too-large gradient keeps one bad step from wrecking the weights.",
        ),
        (
            "d",
            WRONG,
            "Gradient clipping, against vanishing gradients.",
            "No: clipping only scales large gradients down; it cannot restore a signal that has "
            "vanished.",
        ),
        (
            "e",
            RIGHT,
            "An orthogonal or identity-like initialisation of `W_hh`, so its spectral "
            "radius starts near 1.",
            "Yes: then the repeated product neither shrinks nor grows much at the start of "
            "training.",
        ),
        notebooks=(4,),
        corrects="layer_norm",
    ),
    question(
        "A character-level language model ends with a softmax over the vocabulary. Which "
        "statements are true?",
        (
            "a",
            WRONG,
            "Its outputs lie in (−1, 1).",
            "No: probabilities lie between 0 and 1. (-1, 1) is tanh's range.",
        ),
        (
            "b",
            RIGHT,
            "The softmax turns a vector of scores into probabilities that sum to 1.",
            "Yes: exp of each score, divided by the sum of all of them.",
        ),
        (
            "c",
            RIGHT,
            "Its output at step t is the model's distribution over the next character.",
            "Yes: training maximises the probability of the true next character (cross-entropy), "
            "and sampling draws from this distribution.",
        ),
        (
            "d",
            WRONG,
            "It is applied to the hidden state directly, with no output weights.",
            "No: the hidden state has one entry per unit, not per character. An output layer W_hy "
            "h_t + b_y first maps it to one score per character.",
        ),
        notebooks=(2,),
    ),
)
