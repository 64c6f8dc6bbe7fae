#!/usr/bin/env python3
"""Reference values for the decoupled KD term (DKD, Zhao et al. 2022), computed with PyTorch as mdistiller defines it.

Run once with Debian's python3-torch (PyTorch 1.13): /usr/bin/python3 generate_dkd_reference.py > dkd_reference.json
The C# tests never run Python: they read the checked-in JSON.

dkd_loss follows mdistiller's mdistiller/distillers/DKD.py line for line: TCKD is the KL between the binary
distributions [p_target, 1 - p_target] of teacher and student at temperature T; NCKD the KL between their softmaxes over
the non-target classes (the target logit pushed down by 1000); each summed over the batch, times T^2, divided by the
batch size; DKD = min(epoch / warmup, 1) * (alpha * TCKD + beta * NCKD), epoch counted from 1 as mdistiller does.
A case with "unlabelled_row" >= 0 stores that row's label as -1 and the loss computed on the other rows only (the
library averages over labelled rows; the unlabelled row must get no gradient).
"""
import json
import torch
import torch.nn.functional as F


def _get_gt_mask(logits, target):
    target = target.reshape(-1)
    return torch.zeros_like(logits).scatter_(1, target.unsqueeze(1), 1).bool()


def _get_other_mask(logits, target):
    target = target.reshape(-1)
    return torch.ones_like(logits).scatter_(1, target.unsqueeze(1), 0).bool()


def cat_mask(t, mask1, mask2):
    t1 = (t * mask1).sum(dim=1, keepdims=True)
    t2 = (t * mask2).sum(1, keepdims=True)
    return torch.cat([t1, t2], dim=1)


def dkd_loss(logits_student, logits_teacher, target, alpha, beta, temperature):
    gt_mask = _get_gt_mask(logits_student, target)
    other_mask = _get_other_mask(logits_student, target)
    pred_student = F.softmax(logits_student / temperature, dim=1)
    pred_teacher = F.softmax(logits_teacher / temperature, dim=1)
    pred_student = cat_mask(pred_student, gt_mask, other_mask)
    pred_teacher = cat_mask(pred_teacher, gt_mask, other_mask)
    log_pred_student = torch.log(pred_student)
    tckd_loss = F.kl_div(log_pred_student, pred_teacher, reduction='sum') * (temperature ** 2) / target.shape[0]
    pred_teacher_part2 = F.softmax(logits_teacher / temperature - 1000.0 * gt_mask, dim=1)
    log_pred_student_part2 = F.log_softmax(logits_student / temperature - 1000.0 * gt_mask, dim=1)
    nckd_loss = F.kl_div(log_pred_student_part2, pred_teacher_part2, reduction='sum') * (temperature ** 2) / target.shape[0]
    return alpha * tckd_loss + beta * nckd_loss, tckd_loss, nckd_loss


torch.manual_seed(20261125)
cases = []
for batch, classes in [(4, 5), (3, 10)]:
    s = (torch.randn(batch, classes) * 3).double()
    t = (torch.randn(batch, classes) * 3).double()
    y = torch.randint(0, classes, (batch,))
    for T in [1.0, 4.0]:
        for alpha, beta in [(1.0, 8.0), (1.0, 0.5), (0.0, 1.0)]:
            for epoch, warmup in [(0, 20), (24, 20), (0, 0)]:
                for unlabelled_row in [-1, 1]:
                    keep = [r for r in range(batch) if r != unlabelled_row]
                    s_var = s.clone().requires_grad_(True)
                    factor = 1.0 if warmup == 0 else min((epoch + 1) / warmup, 1.0)
                    dkd, tckd, nckd = dkd_loss(s_var[keep], t[keep], y[keep], alpha, beta, T)
                    loss = factor * dkd
                    loss.backward()
                    labels = y.tolist()
                    if unlabelled_row >= 0:
                        labels[unlabelled_row] = -1
                    cases.append({
                        "batch": batch, "classes": classes, "temperature": T, "alpha": alpha, "beta": beta,
                        "epoch": epoch, "warmup": warmup, "unlabelled_row": unlabelled_row,
                        "student": s.flatten().tolist(), "teacher": t.flatten().tolist(), "labels": labels,
                        "tckd": tckd.item(), "nckd": nckd.item(), "loss": loss.item(),
                        "grad": s_var.grad.flatten().tolist(),
                    })
print(json.dumps({"generator": "generate_dkd_reference.py", "torch": torch.__version__, "cases": cases}, indent=1))
