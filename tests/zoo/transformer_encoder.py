"""A small Transformer encoder classifier: scaled embeddings, a learned positional embedding (an nn.Parameter
added), nn.TransformerEncoder, mean pooling over the sequence."""
import math

import torch
import torch.nn as nn


class TransformerClassifier(nn.Module):
    def __init__(self, vocab_size=500, d_model=64, nhead=4, num_layers=2, dim_feedforward=128, max_len=64,
                 num_classes=5, dropout=0.1):
        super().__init__()
        self.d_model = d_model
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.pos_embedding = nn.Parameter(torch.zeros(1, max_len, d_model))
        encoder_layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(encoder_layer, num_layers=num_layers)
        self.classifier = nn.Linear(d_model, num_classes)
        nn.init.normal_(self.pos_embedding, std=0.02)

    def forward(self, src):  # src: (batch, seq_len) token ids
        x = self.embedding(src) * math.sqrt(self.d_model)
        x = x + self.pos_embedding[:, :src.size(1)]
        x = self.encoder(x)
        x = x.mean(dim=1)
        return self.classifier(x)


INPUT_SHAPE = (20,)
INPUT_DTYPE = "long"
