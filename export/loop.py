"""The exported script's main(): arguments, data, model, loss, optimizer, schedule and the epoch loop."""
from __future__ import annotations


def _setup_lines(cls: str, snake: str, dataset: str, call: str, prep: list[str]) -> list[str]:
    return ["def main(argv=None):",
            "    import argparse",
            f"    ap = argparse.ArgumentParser(description=\"Train {cls} on '{dataset}'.\")",
            "    ap.add_argument(\"--epochs\", type=int, default=EPOCHS)",
            "    ap.add_argument(\"--weights\", help=\"start from this state_dict file (e.g. downloaded from NeuroCanvas)\")",
            f"    ap.add_argument(\"--save\", default=\"{snake}.pt\", help=\"where to save the trained state_dict\")",
            "    args = ap.parse_args(argv)",
            "    torch.manual_seed(SEED)",
            "    device = \"cuda\" if torch.cuda.is_available() else \"cpu\"",
            f"    x, y = {call}",
            *[f"    {p}" for p in prep],
            "    x_train, y_train, x_val, y_val = (t.to(device) for t in split(x, y))",
            f"    model = {cls}().to(device)",
            "    if args.weights:",
            "        model.load_state_dict(torch.load(args.weights, map_location=device, weights_only=True))"]


def _optimizer_lines(loss: str, optimizer: str, sched: str | None) -> list[str]:
    lines = [f"    loss_fn = nn.{loss}()", f"    optimizer = {optimizer}"]
    if sched is None:
        return lines + ["    scheduler = None  # constant learning rate"]
    lines.append("    steps_per_epoch = math.ceil(len(x_train) / BATCH_SIZE)")
    if "total_steps" in sched:
        lines.append("    total_steps = args.epochs * steps_per_epoch")
    return lines + [f"    scheduler = {sched}"]


def _epoch_lines(clip) -> list[str]:
    return ["    shuffle = torch.Generator().manual_seed(SEED)",
            "    for epoch in range(1, args.epochs + 1):",
            "        model.train()",
            "        total = 0.0",
            "        for batch in torch.randperm(len(x_train), generator=shuffle).to(device).split(BATCH_SIZE):",
            "            loss = compute_loss(loss_fn, model(x_train[batch]), y_train[batch])",
            "            optimizer.zero_grad()",
            "            loss.backward()",
            *([f"            nn.utils.clip_grad_norm_(model.parameters(), {float(clip)!r})"] if clip else []),
            "            optimizer.step()",
            "            if scheduler is not None:",
            "                scheduler.step()",
            "            total += loss.item() * len(batch)",
            "        line = f\"epoch {epoch}/{args.epochs}  train_loss {total / len(x_train):.4f}\"",
            "        if len(x_val):",
            "            val_loss, val_accuracy = evaluate(model, loss_fn, x_val, y_val)",
            "            line += f\"  val_loss {val_loss:.4f}\"",
            "            if val_accuracy is not None:",
            "                line += f\"  val_accuracy {val_accuracy:.3f}\"",
            "        print(line, flush=True)",
            "    torch.save(model.state_dict(), args.save)",
            "    print(f\"saved the trained weights to {args.save}\")"]


def loop_lines(cls: str, snake: str, dataset: str, call: str, prep: list[str], loss: str, optimizer: str,
               sched: str | None, clip) -> list[str]:
    """main(): `call` loads x, y; `prep` shapes them; `optimizer`/`sched` are source; `clip` a max norm or None."""
    return (_setup_lines(cls, snake, dataset, call, prep) + _optimizer_lines(loss, optimizer, sched)
            + _epoch_lines(clip))
