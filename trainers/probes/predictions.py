"""What the model predicts: a decision-boundary grid for 2-D inputs, the confusion matrix, sample predictions."""
import torch

from ..evaluate import predicted_classes

GRID, MAX_POINTS, MAX_SAMPLES, CONFUSION_SAMPLES = 50, 400, 8, 2048


def _probabilities(out: torch.Tensor) -> torch.Tensor:
    """(N, C) class probabilities; a single logit ((N, 1), or (N,): one number per sample) is P(class 1) = sigmoid."""
    if out.dim() == 1:
        out = out.unsqueeze(-1)
    if out.shape[-1] == 1:
        p1 = torch.sigmoid(out[..., 0])
        return torch.stack([1 - p1, p1], -1)
    return torch.softmax(out, -1)


def _round(values, digits=4):
    return torch.round(values.detach().cpu().double() * 10 ** digits).div(10 ** digits).tolist()


@torch.no_grad()
def boundary(model, x_train, labels, task: str, input_shape, autocast) -> dict:
    """The model's output over a GRID×GRID mesh covering the training points (plus a margin)."""
    points = x_train.reshape(len(x_train), 2).float()
    lo, hi = points.min(0).values, points.max(0).values
    pad = (hi - lo) * 0.1 + 1e-3
    xs = torch.linspace(float(lo[0] - pad[0]), float(hi[0] + pad[0]), GRID, device=x_train.device)
    ys = torch.linspace(float(lo[1] - pad[1]), float(hi[1] + pad[1]), GRID, device=x_train.device)
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")  # rows follow y
    grid = torch.stack([gx.reshape(-1), gy.reshape(-1)], 1).reshape(-1, *input_shape)
    with autocast():
        out = model(grid.to(x_train.dtype))
    out = out.float().reshape(GRID * GRID, -1)
    shown = points[:MAX_POINTS].cpu()
    result = {"x": _round(xs.cpu()), "y": _round(ys.cpu()),
              "points": {"x": _round(shown[:, 0]), "y": _round(shown[:, 1]),
                         "label": labels[:MAX_POINTS].reshape(-1).cpu().tolist()}}
    if task == "classification":
        probs = _probabilities(out)
        conf, pred = probs.max(-1)
        value = probs[:, 1] if probs.shape[1] == 2 else conf
        result.update(predicted=pred.reshape(GRID, GRID).cpu().tolist(),
                      confidence=_round(conf.reshape(GRID, GRID).cpu(), 3),
                      value=_round(value.reshape(GRID, GRID).cpu(), 3))
    else:
        result.update(predicted=None, confidence=None, value=_round(out[:, 0].reshape(GRID, GRID).cpu(), 3))
    return result


@torch.no_grad()
def confusion(model, x_val, labels_val, n_classes: int, class_names, autocast, batch: int = 1024) -> dict:
    """rows = true class, columns = predicted class, over up to CONFUSION_SAMPLES validation samples."""
    x, truth = x_val[:CONFUSION_SAMPLES], labels_val[:CONFUSION_SAMPLES]
    preds = []
    for i in range(0, len(x), batch):
        with autocast():
            preds.append(predicted_classes(model(x[i:i + batch]).float()))
    pred = torch.cat(preds).reshape(-1).clamp(0, n_classes - 1)
    flat = truth.reshape(-1) * n_classes + pred
    matrix = torch.bincount(flat, minlength=n_classes * n_classes).reshape(n_classes, n_classes)
    return {"labels": list(class_names or map(str, range(n_classes))), "matrix": matrix.cpu().tolist()}


def _as_picture(t: torch.Tensor, image_shape):
    h, w = image_shape
    return _round(t.reshape(-1)[: h * w].reshape(h, w).cpu(), 3)  # first channel for multi-channel images


def samples(x, y, labels, out, info: dict, image_shape, autoencoder: bool) -> list:
    """Up to MAX_SAMPLES validation samples with the model's output, ready to draw."""
    kind, task, names = info["kind"], info["task"], info.get("class_names")
    k = min(MAX_SAMPLES, len(x))
    out = out[:k].float()
    probs = _probabilities(out) if task == "classification" else None
    items = []
    for i in range(k):
        xi = x[i]
        if kind == "image" and image_shape:
            item_input = _as_picture(xi, image_shape)
        elif kind == "series":
            item_input = _round(xi.reshape(xi.shape[0], -1)[:, 0].cpu()) if xi.dim() > 1 else _round(xi.cpu())
        elif kind == "tokens":
            item_input = xi.cpu().tolist()
        else:
            item_input = _round(xi.reshape(-1).cpu())
        item = {"kind": kind if kind != "points2d" else "vector", "input": item_input, "target_name": None,
                "prediction_name": None, "confidence": None, "correct": None}
        if task == "classification":
            truth = labels[i]
            conf, pred = probs[i].max(-1)
            if truth.dim() == 0:
                t, p = int(truth), int(pred)
                item.update(target=t, prediction=p, confidence=float(conf), correct=t == p,
                            target_name=names[t] if names and t < len(names) else str(t),
                            prediction_name=names[p] if names and p < len(names) else str(p))
            else:  # a sequence of tokens
                item.update(target=truth.cpu().tolist(), prediction=pred.cpu().tolist(),
                            confidence=float(conf.mean()), correct=bool((truth == pred).all()))
        elif autoencoder and kind == "image" and image_shape:
            item.update(target=_as_picture(y[i], image_shape), prediction=_as_picture(out[i], image_shape))
        else:
            t, p = y[i].reshape(-1).cpu(), out[i].reshape(-1).cpu()
            item.update(target=float(t[0]) if len(t) == 1 else _round(t),
                        prediction=float(p[0]) if len(p) == 1 else _round(p))
        items.append(item)
    return items
