"""A fully connected MNIST classifier: x.view(x.size(0), -1), F.dropout with self.training, a ModuleList of blocks."""
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self, sizes=(784, 256, 128), num_classes=10, p=0.2):
        super().__init__()
        self.p = p
        self.hidden = nn.ModuleList([nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])])
        self.out = nn.Linear(sizes[-1], num_classes)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        for layer in self.hidden:
            x = F.relu(layer(x))
            x = F.dropout(x, p=self.p, training=self.training)
        return self.out(x)


INPUT_SHAPE = (1, 28, 28)
INPUT_DTYPE = "float"
