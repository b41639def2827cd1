"""Token tasks for sequence models: reverse, sort, copy (sequence to sequence) and recall (long memory)."""
import torch

from .base import Dataset


def _tokens(name, x, y, vocab) -> Dataset:
    return Dataset(name, "tokens", "classification", x, y, vocab, [str(i) for i in range(vocab)])


def _random(n_samples, length, vocab, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, vocab, (n_samples, length), generator=g)


def reverse(n_samples: int = 4000, length: int = 8, vocab: int = 10, seed: int = 0) -> Dataset:
    """x (N, T) token ids; y (N, T) the same tokens backwards. Output (T, vocab) scores."""
    x = _random(n_samples, length, vocab, seed)
    return _tokens("reverse", x, x.flip(1), vocab)


def sort(n_samples: int = 4000, length: int = 8, vocab: int = 10, seed: int = 0) -> Dataset:
    x = _random(n_samples, length, vocab, seed)
    return _tokens("sort", x, x.sort(1).values, vocab)


def copy(n_samples: int = 4000, length: int = 8, vocab: int = 10, seed: int = 0) -> Dataset:
    x = _random(n_samples, length, vocab, seed)
    return _tokens("copy", x, x.clone(), vocab)


def recall(n_samples: int = 4000, length: int = 30, vocab: int = 8, seed: int = 0) -> Dataset:
    """Remember the FIRST token through `length - 1` distractors: y (N,) = x[:, 0].

    A long-memory test where a plain RNN's gradient vanishes and LSTM/GRU gates keep the signal.
    """
    x = _random(n_samples, length, vocab, seed)
    return _tokens("recall", x, x[:, 0].clone(), vocab)
