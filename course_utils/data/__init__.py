"""The course's data sets: file loaders, the python_docs reader and the long-memory makers.

Public names are re-exported by `course_utils.datasets`, the module notebooks import; see its
docstring for the overview. One module per family:

    common.py       data folder, recorded SHA-256 checksums, verified reading, argument checks
    text.py         python_docs and agreement (character-level language modelling)
    seq2seq.py      number_words and dates (encoder-decoder)
    tagging.py      tagging (labels decided by future tokens)
    treebank.py     trees (binary sentiment trees with negation)
    long_memory.py  adding problem, copy task, delayed recall (generated in memory)
"""
