"""A character-level GPT written with torch's own blocks: token embeddings plus a learned position table, a pre-LN
nn.TransformerEncoder called with the causal mask and is_causal=True (each character sees only those before it),
a final LayerNorm and the head over the characters."""
import torch
import torch.nn as nn


class CharGPT(nn.Module):
    def __init__(self, vocab_size=65, block_size=32, n_embd=64, n_head=4, n_layer=2, dropout=0.1):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, n_embd)
        self.position_embedding = nn.Parameter(torch.zeros(1, block_size, n_embd))
        layer = nn.TransformerEncoderLayer(n_embd, n_head, 4 * n_embd, dropout, activation="gelu", batch_first=True,
                                           norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, n_layer, enable_nested_tensor=False)
        self.ln_f = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab_size, bias=False)
        nn.init.normal_(self.position_embedding, std=0.02)

    def forward(self, idx):  # (B, T) character ids
        t = idx.size(1)
        x = self.token_embedding(idx) + self.position_embedding[:, :t]
        mask = nn.Transformer.generate_square_subsequent_mask(t, device=idx.device)
        x = self.blocks(x, mask=mask, is_causal=True)
        return self.head(self.ln_f(x))  # (B, T, vocab_size): the next character's scores at every step


INPUT_SHAPE = (32,)
INPUT_DTYPE = "long"
