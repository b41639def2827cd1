"""A two-layer GRU that forecasts the next value of a series from the last step, out[:, -1]."""
import torch.nn as nn


class GRUForecaster(nn.Module):
    def __init__(self, input_size=1, hidden_size=32, num_layers=2, output_size=1):
        super(GRUForecaster, self).__init__()
        self.gru = nn.GRU(input_size, hidden_size, num_layers, batch_first=True, dropout=0.1)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        out, _ = self.gru(x)  # out: (batch, seq_len, hidden_size)
        out = self.fc(out[:, -1])
        return out


INPUT_SHAPE = (24, 1)  # 24 time steps, one feature
INPUT_DTYPE = "float"
