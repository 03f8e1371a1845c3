"""Quiz, part 3: architectures (notebooks 08-10): bidirectional, deep and recursive networks."""

from course_utils.quizzes.core import RIGHT, WRONG, question

TITLE = "Architectures"
NOTEBOOKS = (8, 9, 10)

QUESTIONS = (
    question(
        "What is a bidirectional recurrent network for?",
        (
            "a",
            RIGHT,
            "Reading the sequence both forwards and backwards.",
            "Yes: one layer reads left to right, a second one (with its own weights) right to "
            "left.",
        ),
        (
            "b",
            WRONG,
            "Halving the number of parameters.",
            "No: two directions means twice the parameters.",
        ),
        (
            "c",
            WRONG,
            "Solving the vanishing gradient problem.",
            "No: each direction is still an ordinary recurrent layer with the same gradient "
            "problems.",
        ),
        (
            "d",
            RIGHT,
            "Letting the output at step t depend on inputs before and after t.",
            "Yes: the forward state summarises the past, the backward state the future.",
        ),
        notebooks=(8,),
    ),
    question(
        "Which recurrent layers can be made bidirectional?",
        (
            "a",
            WRONG,
            "Only LSTMs: other cells lack the memory to read backwards.",
            "No: bidirectional is a way of wiring two layers, one over the reversed sequence, not "
            "a property of the cell. A lecture note's LSTM-vs-RNN table claims otherwise, and is "
            "wrong.",
        ),
        ("b", RIGHT, "An LSTM.", "Yes: the bidirectional LSTM is common, but not special."),
        (
            "c",
            RIGHT,
            "A vanilla RNN (`SimpleRNN`).",
            "Yes: any recurrent layer can run over the reversed sequence.",
        ),
        ("d", RIGHT, "A GRU.", "Yes, for the same reason."),
        notebooks=(8,),
        corrects="any_rnn_bidirectional",
    ),
    question(
        "At step t a bidirectional layer has a forward state and a backward state of n units each. "
        "How can they be merged?",
        (
            "a",
            WRONG,
            "Keeping only the backward state.",
            "No: that discards the past context, and is not a merge at all.",
        ),
        ("b", RIGHT, "Element-wise product, giving n features.", "Yes: merge mode 'mul'."),
        (
            "c",
            RIGHT,
            "Element-wise sum or average, giving n features.",
            "Yes: merge modes 'sum' and 'ave'.",
        ),
        (
            "d",
            RIGHT,
            "Concatenation, giving 2n features.",
            "Yes: the default in Keras (merge_mode='concat').",
        ),
        notebooks=(8,),
    ),
    question(
        "Which statements about using a bidirectional network on a stream (live speech, say) are "
        "true?",
        (
            "a",
            RIGHT,
            "At step t the backward state summarises `x_t ... x_T`.",
            "Yes: it has read the sequence from the end back to t.",
        ),
        (
            "b",
            RIGHT,
            "The backward pass starts at the last input, so no output is final before the "
            "sequence ends.",
            "Yes: that rules out real-time use, except on short windows with a delay.",
        ),
        (
            "c",
            WRONG,
            "It can emit the label of each word as soon as the word is spoken.",
            "No: the backward direction needs the rest of the sequence first.",
        ),
        (
            "d",
            WRONG,
            "At step t the backward state summarises `x_1 ... x_t`.",
            "No: that is the forward state.",
        ),
        notebooks=(8,),
    ),
    question(
        "How many parameters does `keras.layers.Bidirectional(keras.layers.LSTM(128))` have on 20 "
        "input features?",
        (
            "a",
            WRONG,
            "38144",
            "No: that is half of one direction's count. Each direction is a full LSTM with 128 "
            "units, and there are two of them.",
        ),
        (
            "b",
            RIGHT,
            "152576",
            "Yes: two LSTMs of 4 * (20*128 + 128*128 + 128) = 76288 parameters each.",
        ),
        (
            "c",
            WRONG,
            "76288",
            "That is one direction only; the two directions have separate weights.",
        ),
        ("d", WRONG, "305152", "No: that counts each direction twice."),
        notebooks=(8,),
    ),
    question(
        "A label depends on a marker that comes later in the sequence. Which models can get every "
        "label right?",
        (
            "a",
            RIGHT,
            "A bidirectional network.",
            "Yes: its backward state at each step has already seen the marker.",
        ),
        (
            "b",
            WRONG,
            "A unidirectional network with more units.",
            "No: more units do not let a left-to-right reader see inputs it has not read yet.",
        ),
        (
            "c",
            RIGHT,
            "A unidirectional network that outputs each label d steps late, if the marker "
            "is never more than d steps ahead.",
            "Yes: delaying the output lets it read the marker first, at the price of latency.",
        ),
        (
            "d",
            WRONG,
            "A unidirectional network trained for longer.",
            "No: the missing information is in the future, not in the training time.",
        ),
        notebooks=(8,),
    ),
    question(
        "Which are ways to make a recurrent network deep?",
        (
            "a",
            RIGHT,
            "Add skip or residual connections to shorten the paths through the depth.",
            "Yes: they offset the longer paths that depth creates.",
        ),
        (
            "b",
            WRONG,
            "An MLP in the hidden-to-hidden transition shortens the path between time steps.",
            "No: it lengthens it (more layers between h_{t-1} and h_t), which makes optimisation "
            "harder.",
        ),
        (
            "c",
            RIGHT,
            "Make the input-to-hidden, hidden-to-hidden or hidden-to-output map a small MLP.",
            "Yes: deeper computation inside one step.",
        ),
        (
            "d",
            RIGHT,
            "Stack recurrent layers: each reads the sequence of states of the layer below.",
            "Yes: hierarchical states, lower layers nearer the input, higher ones more abstract.",
        ),
        notebooks=(9,),
    ),
    question(
        "In a stack of recurrent layers, what is the state `h_t^(l)` of layer l at step t computed "
        "from?",
        (
            "a",
            WRONG,
            "Only `x_t`, like every layer of the stack.",
            "No: only the first layer reads x_t (unless skip connections also feed it to higher "
            "layers).",
        ),
        ("b", RIGHT, "`h_{t-1}^(l)`, its own state at the previous step.", "Yes: its recurrence."),
        (
            "c",
            WRONG,
            "`h_t^(l+1)`, the state of the layer above at the same step.",
            "No: that would create a cycle within one step; information flows upwards.",
        ),
        (
            "d",
            RIGHT,
            "`h_t^(l-1)`, the state of the layer below at the same step.",
            "Yes: its input at step t.",
        ),
        notebooks=(9,),
    ),
    question(
        "Which statements about training deep recurrent networks are true?",
        (
            "a",
            RIGHT,
            "Residual connections between stacked layers help deep stacks train.",
            "Yes: the identity path carries the gradient through the depth (notebook 09 measures "
            "it).",
        ),
        (
            "b",
            WRONG,
            "Depth removes the need for gated cells.",
            "No: depth adds paths through layers; the path through time is as long as before.",
        ),
        (
            "c",
            RIGHT,
            "Layer normalisation works well inside recurrent cells.",
            "Yes: it normalises over the units of one example at one step, so it behaves the same "
            "at every time step and for any batch size.",
        ),
        (
            "d",
            WRONG,
            "Batch normalisation is the natural choice between time steps.",
            "No: batch statistics per time step are awkward for variable-length sequences; layer "
            "normalisation is the usual choice.",
        ),
        notebooks=(9,),
    ),
    question(
        "Which statements about recursive (tree) neural networks are true?",
        (
            "a",
            RIGHT,
            "The same composition function is applied at every internal node.",
            "Yes: weights are shared across the tree, as a recurrent network shares them across "
            "time.",
        ),
        (
            "b",
            RIGHT,
            "Every input needs a tree structure, such as a parse tree.",
            "Yes: the tree decides the order of composition, so it must be given (or predicted).",
        ),
        (
            "c",
            RIGHT,
            "Node vectors are built bottom-up: children's vectors combine into their parent's.",
            "Yes: the root's vector summarises the whole tree.",
        ),
        (
            "d",
            WRONG,
            "Every node of the tree has its own weight matrix.",
            "No: that would tie the model to one tree shape; the weights are shared.",
        ),
        notebooks=(10,),
    ),
    question(
        "Compare recurrent, recursive and convolutional networks. Which statements are true?",
        (
            "a",
            RIGHT,
            "A CNN shares weights across the positions of a grid, with local receptive fields.",
            "Yes: CNNs suit grid data like images; recursive networks suit hierarchical data like "
            "parse trees.",
        ),
        (
            "b",
            RIGHT,
            "A recurrent network reading left to right is a recursive network over a "
            "chain, the most unbalanced tree.",
            "Yes: each step composes the state so far with one new leaf.",
        ),
        (
            "c",
            WRONG,
            "Recursive networks are mainly for images on a pixel grid.",
            "No: that is the CNN's home ground; recursive networks are for nested, tree-shaped "
            "data.",
        ),
        (
            "d",
            RIGHT,
            "Over a balanced tree with n leaves, a leaf is about log₂ n compositions from "
            "the root, instead of up to n steps in a chain.",
            "Yes: shorter paths are one reason tree networks can capture structure with fewer "
            "steps.",
        ),
        notebooks=(10,),
    ),
)
