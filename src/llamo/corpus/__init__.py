"""The open-world motion corpus: synthetic actions (llamo.synth) and real recordings (pybullet's DeepMimic clips)
composed into 1-6 action sequences of 2-40 s, with questions about what, how many, which side, which way, in
which order, when, how long, how well (form) and a one-sentence description; six split files. See docs/corpus.md.

plan (what each motion strings together, what each split holds out) → assemble (real.py retargets clips,
join.py joins pieces) → questions (phrasing.py words them, vocab.py names actions, form.py measures) → build
(`llamo data build --corpus open`) → card.
"""

from .build import CorpusConfig, build_corpus

__all__ = ["CorpusConfig", "build_corpus"]
