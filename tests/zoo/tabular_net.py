"""A configurable tabular net: nested nn.Sequential blocks in an nn.ModuleList, activations picked from an
nn.ModuleDict, a skip connection, and torch.cat of a wide and a deep branch."""
import torch
import torch.nn as nn


def block(n_in, n_out, p):
    return nn.Sequential(nn.Linear(n_in, n_out), nn.BatchNorm1d(n_out), nn.Sequential(nn.ReLU(), nn.Dropout(p)))


class TabularNet(nn.Module):
    def __init__(self, n_features=13, hidden=(64, 64), n_out=3, p=0.1, act="gelu"):
        super().__init__()
        sizes = (n_features,) + tuple(hidden)
        self.blocks = nn.ModuleList([block(a, b, p) for a, b in zip(sizes, sizes[1:])])
        self.acts = nn.ModuleDict({"relu": nn.ReLU(), "gelu": nn.GELU(), "tanh": nn.Tanh()})
        self.act = act
        self.wide = nn.Linear(n_features, 8)
        self.head = nn.Linear(hidden[-1] + 8, n_out)

    def forward(self, x):
        h = self.blocks[0](x)
        for blk in self.blocks[1:]:
            h = h + blk(h)  # residual where the sizes agree
        h = self.acts[self.act](h)
        return self.head(torch.cat([h, self.wide(x)], dim=1))


INPUT_SHAPE = (13,)
INPUT_DTYPE = "float"
