"""An Embedding -> LSTM text classifier that reads the last hidden state h_n[-1], as sentiment tutorials write it."""
import torch.nn as nn


class TextClassifier(nn.Module):
    def __init__(self, vocab_size=2000, embed_dim=64, hidden_dim=96, num_classes=4, dropout=0.3):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(hidden_dim, num_classes)

    def forward(self, text):
        embedded = self.embedding(text)  # (batch, seq_len, embed_dim)
        output, (h_n, c_n) = self.lstm(embedded)
        hidden = self.dropout(h_n[-1])  # the last layer's final hidden state
        return self.fc(hidden)


INPUT_SHAPE = (40,)  # 40 token ids per text
INPUT_DTYPE = "long"
