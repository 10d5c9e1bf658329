"""Word boundaries for the word lists (issue 19 §4): a listed word counts where it is a word, not where its
characters straddle two words (“中转发放”的“转发”, “仗义工友”的“义工”). One jieba tokenizer per process,
with the lexicons' plain words as single tokens; jieba's dictionary ships inside its package."""

from __future__ import annotations

import re
import threading

_LITERAL = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_TOKENIZER = None
_BLANK = "\u3000"  # what a rejected match's first character becomes before looking again
_LOCK = threading.Lock()  # one build, whichever rule thread asks first


def tokenizer():
    """One jieba tokenizer for the process, with the lexicons' plain words as single tokens.

    jieba ships its dictionary inside the package (nothing is downloaded); it is built on first use only.
    """
    if _TOKENIZER is None:
        with _LOCK:
            if _TOKENIZER is None:
                _build()
    return _TOKENIZER


def _build() -> None:
    global _TOKENIZER
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    from zyfw_checks.params import load_params

    spec = load_params("lexicons/words")
    for w in sorted(set(user_words()) | set(spec["user_words"])):
        tok.add_word(w)
    for w in spec["compounds"]:
        tok.add_word(w, freq=10**7)  # a phrase whose listed word only straddles a boundary
    _TOKENIZER = tok


def user_words() -> list[str]:
    """Every plain word (no regex) of the lexicons the word rules match, for the tokenizer."""
    from zyfw_checks.params import load_params

    out: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(k, str) and _LITERAL.match(k):
                    out.append(k)
                walk(v)

    for name in ("internal", "paid", "profit", "remuneration", "time_rules", "roles"):
        walk(load_params(f"lexicons/{name}"))
    return out


class Words:
    """Word boundaries of distinct texts (jieba), computed once per text and run.

    A match counts when it starts and ends on word boundaries, or lies inside one word (“无偿献血”的“献血”);
    it does not count when it straddles two words (“中转发放”的“转发”), or reaches into a place name read from
    组织单位 / 服务地点 (“班会坪村”的“班会”) or a listed compound (words.yaml ``compounds``) without covering it.
    """

    def __init__(self, names=(), compounds=()):
        names = sorted({n for n in names if n}, key=len, reverse=True)
        self.names = re.compile("|".join(map(re.escape, names))) if names else None
        self.compounds = set(compounds)
        self.cache: dict[str, tuple[set[int], list[tuple[int, int]], list[tuple[int, int]]]] = {}

    def tokens(self, s: str):
        got = self.cache.get(s)
        if got is None:
            pos, bounds, spans, opaque = 0, {0}, [], []
            for token in tokenizer().cut(s):
                spans.append((pos, pos + len(token)))
                if token in self.compounds:
                    opaque.append(spans[-1])
                pos += len(token)
                bounds.add(pos)
            if self.names is not None:
                opaque += [(m.start(), m.end()) for m in self.names.finditer(s)]
            got = self.cache[s] = (bounds, spans, opaque)
        return got

    def whole(self, original: str, current: str, match: str) -> bool:
        """Whether ``match`` (found in ``current``, a copy of ``original`` with rejected matches blanked)
        is a word of ``original`` in the sense above."""
        i = current.find(match)
        j = i + len(match)
        bounds, spans, opaque = self.tokens(original)
        if any(i < b and a < j and not (i <= a and b <= j) for a, b in opaque):  # into a name or compound
            return False
        if i in bounds and j in bounds:
            return True
        return any(a <= i and j <= b for a, b in spans)
