#!/usr/bin/env python3
"""Reference values for MLNet.Distillation's loss tests, computed with PyTorch's own definitions.

Run once with Debian's python3-torch (PyTorch 1.13): /usr/bin/python3 generate_kd_reference.py > kd_reference.json
The C# tests never run Python: they read the checked-in JSON.

For each case: loss = alpha * cross_entropy(s, y) + (1 - alpha) * T^2 * kl_div(log_softmax(s/T), softmax(t/T), reduction='batchmean')
and its gradient with respect to the student logits s. The KD and CE parts are also stored separately, and the
logit-matching loss 0.5 * mean_b sum_c (s - t)^2.
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(20261122)
cases = []
for batch, classes in [(4, 5), (3, 10)]:
    s = (torch.randn(batch, classes) * 3).double()
    t = (torch.randn(batch, classes) * 3).double()
    y = torch.randint(0, classes, (batch,))
    for T in [1.0, 2.0, 4.0, 8.0]:
        for alpha in [0.0, 0.1, 0.5, 1.0]:
            s_var = s.clone().requires_grad_(True)
            ce = F.cross_entropy(s_var, y)
            kd = F.kl_div(F.log_softmax(s_var / T, dim=1), F.softmax(t / T, dim=1), reduction='batchmean') * T * T
            loss = alpha * ce + (1 - alpha) * kd
            loss.backward()
            cases.append({
                "batch": batch, "classes": classes, "temperature": T, "alpha": alpha,
                "student": s.flatten().tolist(), "teacher": t.flatten().tolist(), "labels": y.tolist(),
                "ce": ce.item(), "kd": kd.item(), "loss": loss.item(),
                "grad": s_var.grad.flatten().tolist(),
                "logit_mse": (0.5 * ((s - t) ** 2).sum(dim=1).mean()).item(),
            })
print(json.dumps({"generator": "generate_kd_reference.py", "torch": torch.__version__, "cases": cases}, indent=1))
