"""Loss and accuracy (classification) or MAE and R² (regression) of a model on a split, without gradients."""
import torch

from .losses import compute_loss


def predicted_classes(output: torch.Tensor) -> torch.Tensor:
    """Argmax over the last dim, or a single logit > 0 for two classes ((B, 1), or (B,): one number per sample)."""
    if output.dim() == 1:
        return (output > 0).long()
    if output.shape[-1] == 1:
        return (output[..., 0] > 0).long()
    return output.argmax(-1)


@torch.no_grad()
def evaluate(model, loss_fn, x, y, task: str, labels=None, batch: int = 1024, target_scale: float = 1.0,
             autocast=None) -> dict:
    """{"loss", "accuracy"} or {"loss", "mae", "r2"}; `labels` are the class ids for accuracy when y is one-hot."""
    if len(x) == 0:
        return {}
    was_training = model.training
    model.eval()
    total, correct, count, abs_err, outputs = 0.0, 0, 0, 0.0, []
    for i in range(0, len(x), batch):
        xb, yb = x[i:i + batch], y[i:i + batch]
        with autocast():
            out = model(xb)
        out = out.float()
        total += float(compute_loss(loss_fn, out, yb)) * len(xb)
        if task == "classification":
            truth = (labels if labels is not None else y)[i:i + batch]
            correct += int((predicted_classes(out) == truth).sum())
            count += truth.numel()
        else:
            abs_err += float((out - yb).abs().sum())
            count += yb.numel()
            outputs.append(out)
    model.train(was_training)
    result = {"loss": total / len(x)}
    if task == "classification":
        result["accuracy"] = correct / max(count, 1)
    else:
        pred = torch.cat(outputs).reshape(-1)
        truth = y.reshape(-1).float()
        resid = float(((pred - truth) ** 2).sum())
        spread = float(((truth - truth.mean()) ** 2).sum())
        result["mae"] = abs_err / max(count, 1) * target_scale
        result["r2"] = 1.0 - resid / spread if spread > 0 else 0.0
    return result
