"""A sequence-first LSTM (the nn.LSTM default, batch_first=False): input (seq_len, batch, features), output[-1]."""
import torch.nn as nn


class SeqFirstLSTM(nn.Module):
    def __init__(self, n_features=5, n_hidden=48, n_classes=2):
        super().__init__()
        self.lstm = nn.LSTM(input_size=n_features, hidden_size=n_hidden, num_layers=1)
        self.classifier = nn.Linear(n_hidden, n_classes)

    def forward(self, x):  # x: (seq_len, batch, n_features)
        output, (hn, cn) = self.lstm(x)
        return self.classifier(output[-1])  # the last time step: (batch, n_hidden)


INPUT_SHAPE = (30, 5)  # 30 steps of 5 features; the batch is axis 1 of the tensor this model takes
INPUT_DTYPE = "float"
BATCH_FIRST = False
