"""Word-level explanations for the routing model's linear scores."""

import numpy as np

from .text import PLACEHOLDERS

# Words that carry no meaning a moderator could act on, even when the model leans on them:
# function words, greetings, politeness and where/when boilerplate.
_STOP_WORDS_TEXT = """
    ada adalah admin agar akan alamat anda assalamualaikum atau bagaimana bahwa banget bapak
    belum bisa bu bulan daerah dan dari dengan di dia ditindaklanjuti enjing halo hari ibu
    ini itu jadi juga kalau kami kamu karena kasih ke kecamatan kelurahan kemarin kenapa
    kita lagi lain lama lapor laporan lokasi maaf malam masih matur mau min minggu mohon
    nomor nuwun nya oleh pada pagi pak perhatiannya permisi pripun pun rt rw saja sama
    sangat saya sedang segera sejak sekali selamat siang sore sudah sugeng tapi terima tidak
    tolong untuk warga ya yang
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
# A word must earn at least this share of the strongest word's credit to be shown: below it,
# credit is mostly noise the classifier fitted (a kelurahan name, a greeting).
RELATIVE_FLOOR = 0.2


def explain(model, normalized, label_index, n, extra=None):
    """Return up to ``n`` words/phrases of ``normalized`` that pushed toward the label.

    The direction is the label's weights minus the mean weights of the other labels, so a word
    that every agency's complaints share ("jalan") ranks below one that sets this agency apart.
    Each feature's contribution (its TF-IDF value times that direction) is credited to words:
    a word n-gram to each of its words, a character n-gram to every word that contains it.
    Neighbouring credited words are then joined into phrases, so the output reads like
    "lampu lalu lintas" rather than three separate words.
    """
    weights = model._weights  # (features, classes)
    n_classes = weights.shape[1]

    def direction(columns):
        # Only the document's own features are read: no pass over the whole weight matrix.
        rows = weights[np.asarray(columns, dtype=np.int64)]
        own = rows[:, label_index]
        if n_classes < 2:
            return own
        return own - (rows.sum(axis=1) - own) / (n_classes - 1)

    p = model.params
    words = normalized.split()
    credit = dict.fromkeys(words, 0.0)
    offset = 0

    word_block = model._blocks["word"]
    found = word_block.term_weights(normalized)
    pushes = direction([offset + word_block.index[t] for t in found])
    for (term, value), push in zip(found.items(), pushes, strict=True):
        share = value * p["word_weight"] * push
        parts = term.split()
        for part in parts:
            if part in credit:
                credit[part] += share / len(parts)
    offset += len(word_block.terms)

    char_block = model._blocks["char"]
    grams_of_word = char_block.vectorizer.analyzer.grams_of_word
    owners = {}
    for word in credit:
        for gram in set(grams_of_word(word)):
            owners.setdefault(gram, []).append(word)
    found = char_block.term_weights(normalized)
    pushes = direction([offset + char_block.index[g] for g in found])
    for (gram, value), push in zip(found.items(), pushes, strict=True):
        share = value * p["char_weight"] * push
        holders = owners.get(gram, ())
        for word in holders:
            credit[word] += share / len(holders)
    offset += len(char_block.terms)

    fields = []
    extra_block = model._blocks.get("extra")
    if extra_block is not None and extra:
        found = extra_block.term_weights(extra)
        pushes = direction([offset + extra_block.index[t] for t in found])
        for (token, value), push in zip(found.items(), pushes, strict=True):
            score = value * p["extra_weight"] * push
            key, _, field_value = token.partition("=")
            fields.append((float(score), f"{key}: {field_value}"))

    candidates = {w: c for w, c in credit.items() if w not in STOP_WORDS and w not in PLACEHOLDERS}
    top = max(candidates.values(), default=0.0)
    keep = {w for w, c in candidates.items() if c > 0 and c >= RELATIVE_FLOOR * top}
    phrases = _phrases(words, keep, credit)
    ranked = sorted(phrases + [f for f in fields if f[0] > 0], key=lambda item: -item[0])
    seen = []
    for _, phrase in ranked:
        if phrase not in seen:
            seen.append(phrase)
    return seen[:n]


def _phrases(words, keep, credit):
    """Join runs of kept words (in text order, at most three) into phrases.

    A phrase scores as its strongest word, so "lampu lalu lintas" ranks where "lampu" would.
    """
    phrases, run = [], []
    for word in [*words, None]:
        if word is not None and word in keep:
            if word not in run:
                run.append(word)
            if len(run) < 3:
                continue
        if run:
            phrases.append((max(credit[w] for w in run), " ".join(run)))
            run = []
    return phrases
