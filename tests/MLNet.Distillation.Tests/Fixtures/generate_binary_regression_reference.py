#!/usr/bin/env python3
"""Reference values for the binary and regression loss terms of MLNet.Distillation, computed with PyTorch's own definitions.

Run once with Debian's python3-torch (PyTorch 1.13):
    /usr/bin/python3 generate_binary_regression_reference.py > binary_regression_reference.json
The C# tests never run Python: they read the checked-in JSON.

Binary (one logit per row; labels 0/1, NaN for a row without label):
    bce      = binary_cross_entropy_with_logits(s[labelled], y[labelled])                (mean over labelled rows)
    soft_bce = binary_cross_entropy_with_logits(s / T, sigmoid(t / T)) * T^2              (mean over all rows)
    loss     = alpha * bce + (1 - alpha) * soft_bce, and its gradient with respect to s
Regression (one prediction per row, in standardised units; NaN label = row without label):
    mse  = mse_loss(s[labelled], y[labelled]);    teacher_mse   = mse_loss(s, t)
    huber = huber_loss(s[labelled], y[labelled], delta);  teacher_huber = huber_loss(s, t, delta)
    loss = alpha * (mse or huber) + (1 - alpha) * (teacher_mse or teacher_huber), and its gradient with respect to s
"""
import json
import math
import torch
import torch.nn.functional as F

torch.manual_seed(20261125)


def nan_list(v):
    return [None if math.isnan(x) else x for x in v.tolist()]


binary = []
for batch in [5, 8]:
    s = (torch.randn(batch) * 3).double()
    t = (torch.randn(batch) * 3).double()
    y = torch.randint(0, 2, (batch,)).double()
    y[1] = float('nan')  # one row without label in every case
    labelled = ~torch.isnan(y)
    for T in [1.0, 2.0, 4.0, 8.0]:
        for alpha in [0.0, 0.1, 0.5, 1.0]:
            s_var = s.clone().requires_grad_(True)
            bce = F.binary_cross_entropy_with_logits(s_var[labelled], y[labelled])
            soft = F.binary_cross_entropy_with_logits(s_var / T, torch.sigmoid(t / T)) * T * T
            loss = alpha * bce + (1 - alpha) * soft
            loss.backward()
            binary.append({
                "batch": batch, "temperature": T, "alpha": alpha,
                "student": s.tolist(), "teacher": t.tolist(), "labels": nan_list(y),
                "bce": bce.item(), "soft_bce": soft.item(), "loss": loss.item(), "grad": s_var.grad.tolist(),
                "logit_mse": (0.5 * ((s - t) ** 2)).mean().item(),
            })

regression = []
for batch in [6, 9]:
    s = (torch.randn(batch) * 2).double()
    t = (torch.randn(batch) * 2).double()
    y = (torch.randn(batch) * 2).double()
    y[2] = float('nan')
    labelled = ~torch.isnan(y)
    for penalty, delta in [("mse", None), ("huber", 0.5), ("huber", 1.0), ("huber", 3.0)]:
        for alpha in [0.0, 0.3, 1.0]:
            s_var = s.clone().requires_grad_(True)
            if penalty == "mse":
                hard = F.mse_loss(s_var[labelled], y[labelled])
                soft = F.mse_loss(s_var, t)
            else:
                hard = F.huber_loss(s_var[labelled], y[labelled], delta=delta)
                soft = F.huber_loss(s_var, t, delta=delta)
            loss = alpha * hard + (1 - alpha) * soft
            loss.backward()
            regression.append({
                "batch": batch, "penalty": penalty, "delta": delta, "alpha": alpha,
                "student": s.tolist(), "teacher": t.tolist(), "labels": nan_list(y),
                "hard": hard.item(), "soft": soft.item(), "loss": loss.item(), "grad": s_var.grad.tolist(),
            })

print(json.dumps({"generator": "generate_binary_regression_reference.py", "torch": torch.__version__,
                  "binary": binary, "regression": regression}, indent=1))
