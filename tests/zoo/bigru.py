"""A bidirectional two-layer GRU sequence classifier: the output at the last step holds both directions."""
import torch.nn as nn


class BiGRUClassifier(nn.Module):
    def __init__(self, input_size=8, hidden_size=32, num_layers=2, num_classes=3):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, num_layers=num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_size * 2, num_classes)

    def forward(self, x):
        out, _ = self.gru(x)  # (batch, seq, 2 * hidden)
        return self.fc(out[:, -1, :])


INPUT_SHAPE = (16, 8)
INPUT_DTYPE = "float"
