"""Hand-written modules that misbehave inside a training process (imported there by pickle: keep them top level)."""
import os

import torch


class AbortAfter(torch.nn.Module):
    """Trains normally for `steps` forward passes, then calls os.abort() like a crashing native library."""

    def __init__(self, steps: int = 5):
        super().__init__()
        self.fc = torch.nn.Linear(64, 10)
        self.steps, self.calls = steps, 0

    def forward(self, x):
        self.calls += 1
        if self.calls > self.steps:
            os.abort()
        return self.fc(x)
