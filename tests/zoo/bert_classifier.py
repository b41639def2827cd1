"""A BERT-style text classifier: token, position and segment-free embeddings with LayerNorm, a GELU Transformer
encoder, and the [CLS] token's state (`hidden[:, 0]`; the tokenizer puts [CLS] first) through BERT's pooler
(Linear + Tanh) to the classifier."""
import torch
import torch.nn as nn


class BertEmbeddings(nn.Module):
    def __init__(self, vocab_size, hidden, max_len, dropout):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab_size, hidden, padding_idx=0)
        self.position_embeddings = nn.Embedding(max_len, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(dropout)

    def forward(self, input_ids):
        positions = torch.arange(input_ids.size(1), device=input_ids.device)
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions)
        return self.dropout(self.LayerNorm(x))


class BertClassifier(nn.Module):
    def __init__(self, vocab_size=1000, hidden=64, layers=2, heads=4, intermediate=128, max_len=64, num_labels=3,
                 dropout=0.1):
        super().__init__()
        self.embeddings = BertEmbeddings(vocab_size, hidden, max_len, dropout)
        layer = nn.TransformerEncoderLayer(hidden, heads, intermediate, dropout, activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.pooler = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh())
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(hidden, num_labels)

    def forward(self, input_ids):  # (batch, seq_len), [CLS] first
        hidden = self.encoder(self.embeddings(input_ids))
        cls = hidden[:, 0]  # the [CLS] token's state: (batch, hidden)
        return self.classifier(self.dropout(self.pooler(cls)))


INPUT_SHAPE = (24,)
INPUT_DTYPE = "long"
