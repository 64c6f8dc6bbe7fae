#!/usr/bin/env python3
"""Reference values for MLNet.Distillation's fused AdamW step, computed with PyTorch's own torch.optim.AdamW.

Run once with Debian's python3-torch (PyTorch 1.13): /usr/bin/python3 generate_adamw_reference.py > adamw_reference.json
Two parameters (a 3x4 weight and a 3-vector bias) take 5 steps on fixed gradients; the parameters after every step are
stored, for two settings (weight decay 0 and 0.05).
"""
import json
import torch

torch.manual_seed(20261125)
w0 = torch.randn(3, 4, dtype=torch.float32)
b0 = torch.randn(3, dtype=torch.float32)
grads = [(torch.randn(3, 4), torch.randn(3)) for _ in range(5)]
cases = []
for lr, wd in [(1e-3, 0.0), (5e-2, 0.05)]:
    w = w0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    opt = torch.optim.AdamW([w, b], lr=lr, weight_decay=wd, betas=(0.9, 0.999), eps=1e-8)
    steps = []
    for gw, gb in grads:
        w.grad = gw.clone()
        b.grad = gb.clone()
        opt.step()
        steps.append({"weight": w.detach().flatten().tolist(), "bias": b.detach().tolist()})
    cases.append({"lr": lr, "weight_decay": wd, "steps": steps})
print(json.dumps({"generator": "generate_adamw_reference.py", "torch": torch.__version__,
                  "weight": w0.flatten().tolist(), "bias": b0.tolist(),
                  "grads": [{"weight": gw.flatten().tolist(), "bias": gb.tolist()} for gw, gb in grads],
                  "cases": cases}, indent=1))
