"""Small projects of every family for the export, bundle and share tests (each trains an epoch in ~1 s)."""
from graph_factory import make_project


def _train(dataset, loss="CrossEntropyLoss", optimizer=None, **more):
    return {"dataset": dataset, "loss": loss, "optimizer": optimizer or {"type": "Adam", "lr": 0.01},
            "batch_size": 32, "epochs": 3, "val_fraction": 0.2, "seed": 1, **more}


GRAPHS = {
    "mlp": make_project(
        [("in", "Input", {"shape": [64]}), ("fc_1", "Linear", {"out_features": 32}), ("act", "ReLU"),
         ("drop", "Dropout", {"p": 0.2}), ("out", "Linear", {"out_features": 10})],
        training=_train("digits", optimizer={"type": "SGD", "lr": 0.05, "momentum": 0.9},
                        schedule={"type": "step", "step_size": 1, "gamma": 0.5}, grad_clip=1.0),
        name="Digits MLP"),
    "cnn": make_project(
        [("in", "Input", {"shape": [1, 8, 8]}), ("conv1", "Conv2d", {"out_channels": 4, "kernel_size": 3,
                                                                       "padding": 1}),
         ("bn", "BatchNorm2d"), ("relu", "ReLU"), ("pool", "MaxPool2d", {"kernel_size": 2}),
         ("conv2", "Conv2d", {"out_channels": 6, "kernel_size": [2, 2]}), ("gap", "AdaptiveAvgPool2d",
                                                                            {"output_size": 1}),
         ("flat", "Flatten"), ("out", "Linear", {"out_features": 10})],
        training=_train("digits", schedule={"type": "cosine"}), name="Tiny CNN"),
    "residual": make_project(
        [("in", "Input", {"shape": [2]}), ("stem", "Linear", {"out_features": 16}), ("a", "Tanh"),
         ("branch", "Linear", {"out_features": 16}), ("b", "GELU", {"approximate": "tanh"}),
         ("sum", "Add"), ("norm", "LayerNorm"), ("head", "Linear", {"out_features": 2})],
        [("in", "stem"), ("stem", "a"), ("a", "branch"), ("branch", "b"), ("b", "sum"), ("a", "sum"),
         ("sum", "norm"), ("norm", "head")],
        training=_train("moons", dataset_options={"n_samples": 200, "noise": 0.2}), name="residual net"),
    "concat": make_project(
        [("in", "Input", {"shape": [4]}), ("left", "Linear", {"out_features": 8}),
         ("right", "Linear", {"out_features": 5, "bias": False}), ("cat", "Concat"), ("act", "SiLU"),
         ("out", "Linear", {"out_features": 3})],
        [("in", "left"), ("in", "right"), ("right", "cat", 0), ("left", "cat", 1), ("cat", "act"), ("act", "out")],
        training=_train("iris", schedule={"type": "one-cycle"}), name="Iris concat"),
    "recurrent": make_project(
        [("in", "Input", {"shape": [10, 1]}), ("lstm", "LSTM", {"hidden_size": 8, "num_layers": 2}),
         ("gru", "GRU", {"hidden_size": 6, "bidirectional": True}), ("pool", "SequencePool", {"mode": "mean"}),
         ("out", "Linear", {"out_features": 1})],
        training=_train("sine", loss="MSELoss", dataset_options={"n_points": 300, "window": 10}),
        name="Sine LSTM-GRU"),
    "transformer": make_project(
        [("in", "Input", {"shape": [6], "dtype": "long"}),
         ("embed", "Embedding", {"num_embeddings": 10, "embedding_dim": 16}),
         ("pos", "PositionalEncoding", {"kind": "learned", "max_len": 32}),
         ("block", "TransformerEncoderLayer", {"nhead": 2, "dim_feedforward": 32, "dropout": 0.0}),
         ("attn", "MultiheadAttention", {"num_heads": 2}), ("out", "Linear", {"out_features": 10})],
        training=_train("reverse", dataset_options={"n_samples": 200, "length": 6}),
        name="Reverse transformer"),
    "upsampler": make_project(  # issue 20's layers: grouped conv, ReLU6, Dropout2d, ceil_mode, transposed conv...
        [("in", "Input", {"shape": [1, 8, 8]}), ("conv", "Conv2d", {"out_channels": 8, "kernel_size": 3}),
         ("r6", "ReLU6"), ("drop", "Dropout2d", {"p": 0.1}),
         ("dw", "Conv2d", {"out_channels": 8, "kernel_size": 3, "padding": 1, "groups": 8}),
         ("pool", "MaxPool2d", {"kernel_size": 2, "ceil_mode": True}),
         ("up", "ConvTranspose2d", {"out_channels": 4, "kernel_size": 2, "stride": 2}),
         ("hwc", "Permute", {"dims": [1, 2, 0]}), ("scaled", "Scale", {"factor": 0.5}), ("flat", "Flatten"),
         ("fc", "Linear", {"out_features": 10}), ("logp", "LogSoftmax", {"dim": -1})],
        training=_train("digits", loss="NLLLoss"), name="Digits upsampler"),
    "causal": make_project(  # issue 20: causal self-attention (is_causal) in both attention layers
        [("in", "Input", {"shape": [6], "dtype": "long"}),
         ("embed", "Embedding", {"num_embeddings": 10, "embedding_dim": 16}),
         ("pos", "PositionalEncoding", {"kind": "learned", "max_len": 32}),
         ("block", "TransformerEncoderLayer", {"nhead": 2, "dim_feedforward": 32, "dropout": 0.0, "is_causal": True}),
         ("attn", "MultiheadAttention", {"num_heads": 2, "is_causal": True}), ("out", "Linear", {"out_features": 10})],
        training=_train("copy", dataset_options={"n_samples": 200, "length": 6}), name="Causal copier"),
    "cls": make_project(  # issue 20: the first step of a sequence (a [CLS] token)
        [("in", "Input", {"shape": [6], "dtype": "long"}),
         ("embed", "Embedding", {"num_embeddings": 10, "embedding_dim": 16}),
         ("block", "TransformerEncoderLayer", {"nhead": 2, "dim_feedforward": 32, "dropout": 0.0}),
         ("first", "SequencePool", {"mode": "first"}), ("out", "Linear", {"out_features": 8})],
        training=_train("recall", dataset_options={"n_samples": 200, "length": 6, "vocab": 8}), name="First token"),
    "binary": make_project(  # issue 20: one number per sample ([]), a binary target with BCEWithLogitsLoss
        [("in", "Input", {"shape": [30]}), ("fc", "Linear", {"out_features": 8}), ("act", "ReLU"),
         ("logit", "Linear", {"out_features": 1}), ("one", "Reshape", {"shape": []})],
        training=_train("breast_cancer", loss="BCEWithLogitsLoss"), name="Binary logit"),
}


def entered(project):
    """A project as it flows past the door: parsed and checked once (builder.Checked)."""
    from builder import checked, load_project
    return checked(load_project(project))
