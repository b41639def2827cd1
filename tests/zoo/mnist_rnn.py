"""yunjey/pytorch-tutorial's recurrent MNIST classifier: rows as time steps, a zero initial state passed in."""
import torch
import torch.nn as nn


class RNN(nn.Module):
    def __init__(self, input_size=28, hidden_size=64, num_layers=2, num_classes=10):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        # Set initial hidden and cell states
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(x.device)
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(x.device)
        # Forward propagate LSTM
        out, _ = self.lstm(x, (h0, c0))  # out: tensor of shape (batch_size, seq_length, hidden_size)
        # Decode the hidden state of the last time step
        out = self.fc(out[:, -1, :])
        return out


INPUT_SHAPE = (28, 28)  # 28 rows of 28 pixels
INPUT_DTYPE = "float"
