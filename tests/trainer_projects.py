"""Small neurocanvas/1 projects the trainer tests train (kept tiny so each runs in seconds on 2 cores)."""


def chain(layers, training, input_shape, dtype="float"):
    """A project dict whose nodes form one chain: Input -> layers[0] -> layers[1] ..."""
    nodes = [{"id": "in", "type": "Input", "params": {"shape": list(input_shape), "dtype": dtype}}]
    for i, (kind, params) in enumerate(layers):
        nodes.append({"id": f"n{i}_{kind.lower()}", "type": kind, "params": params})
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:])]
    return {"format": "neurocanvas/1", "name": "test", "graph": {"nodes": nodes, "edges": edges},
            "training": training}


def seed_mlp(**training):
    return chain([("Linear", {"out_features": 128}), ("ReLU", {}), ("Linear", {"out_features": 10})],
                 {"dataset": "digits", "loss": "CrossEntropyLoss", "optimizer": {"type": "Adam", "lr": 0.003},
                  "batch_size": 64, "epochs": 10, "seed": 0, **training}, [64])


def spiral_mlp(**training):
    return chain([("Linear", {"out_features": 64}), ("Tanh", {}), ("Linear", {"out_features": 64}), ("Tanh", {}),
                  ("Linear", {"out_features": 2})],
                 {"dataset": "spiral", "loss": "CrossEntropyLoss", "optimizer": {"type": "Adam", "lr": 0.01},
                  "batch_size": 32, "epochs": 40, "seed": 0, **training}, [2])


def sine_lstm(**training):
    return chain([("LSTM", {"hidden_size": 32}), ("SequencePool", {"mode": "last"}), ("Linear", {"out_features": 1})],
                 {"dataset": "sine", "loss": "MSELoss", "optimizer": {"type": "Adam", "lr": 0.01},
                  "batch_size": 64, "epochs": 6, "seed": 0, **training}, [20, 1])


def reverse_transformer(**training):
    return chain([("Embedding", {"num_embeddings": 10, "embedding_dim": 32}),
                  ("PositionalEncoding", {"kind": "learned", "max_len": 8}),
                  ("TransformerEncoderLayer", {"nhead": 4, "dim_feedforward": 64, "dropout": 0.0}),
                  ("Linear", {"out_features": 10})],
                 {"dataset": "reverse", "loss": "CrossEntropyLoss", "optimizer": {"type": "Adam", "lr": 0.003},
                  "batch_size": 64, "epochs": 4, "seed": 0, **training}, [8], dtype="long")
