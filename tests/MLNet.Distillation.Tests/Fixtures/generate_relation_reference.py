#!/usr/bin/env python3
"""Reference values for the relation KD terms, computed with PyTorch by the authors' own definitions.

Run once with Debian's python3-torch (PyTorch 1.13): /usr/bin/python3 generate_relation_reference.py > relation_reference.json
The C# tests never run Python: they read the checked-in JSON.

RKD distance and angle follow the official code (github.com/lenscloth/RKD, metric/loss.py): pairwise distances each
divided by their mean over off-diagonal pairs, and cosines of (e_i - e_j, e_k - e_j) over all triplets, each compared
with smooth L1 (Huber, beta = 1), the teacher side without gradient. Similarity-preserving KD follows Tung & Mori's
code as torchdistill and RepDistiller carry it: G = row-L2-normalise(F F^T), loss = ||G_t - G_s||_F^2 / B^2.
Here the layer is the logits.
"""
import json
import torch
import torch.nn.functional as F


def pdist(e, squared=False, eps=1e-12):
    e_square = e.pow(2).sum(dim=1)
    prod = e @ e.t()
    res = (e_square.unsqueeze(1) + e_square.unsqueeze(0) - 2 * prod).clamp(min=eps)
    if not squared:
        res = res.sqrt()
    res = res.clone()
    res[range(len(e)), range(len(e))] = 0
    return res


def rkd_distance(student, teacher):
    with torch.no_grad():
        t_d = pdist(teacher, squared=False)
        mean_td = t_d[t_d > 0].mean()
        t_d = t_d / mean_td
    d = pdist(student, squared=False)
    mean_d = d[d > 0].mean()
    d = d / mean_d
    return F.smooth_l1_loss(d, t_d, reduction='mean')


def rkd_angle(student, teacher):
    with torch.no_grad():
        td = (teacher.unsqueeze(0) - teacher.unsqueeze(1))
        norm_td = F.normalize(td, p=2, dim=2)
        t_angle = torch.bmm(norm_td, norm_td.transpose(1, 2)).view(-1)
    sd = (student.unsqueeze(0) - student.unsqueeze(1))
    norm_sd = F.normalize(sd, p=2, dim=2)
    s_angle = torch.bmm(norm_sd, norm_sd.transpose(1, 2)).view(-1)
    return F.smooth_l1_loss(s_angle, t_angle, reduction='mean')


def similarity_preserving(f_s, f_t):
    bsz = f_s.shape[0]
    f_s = f_s.view(bsz, -1)
    f_t = f_t.view(bsz, -1)
    G_s = F.normalize(torch.mm(f_s, torch.t(f_s)))
    G_t = F.normalize(torch.mm(f_t, torch.t(f_t)))
    G_diff = G_t - G_s
    return (G_diff * G_diff).view(-1, 1).sum(0)[0] / (bsz * bsz)


torch.manual_seed(20261125)
cases = []
for batch, width, scale in [(5, 4, 1.0), (6, 10, 3.0), (3, 2, 0.5)]:
    s = (torch.randn(batch, width) * scale).double()
    t = (torch.randn(batch, width) * scale * 2).double()
    case = {"batch": batch, "width": width, "student": s.flatten().tolist(), "teacher": t.flatten().tolist()}
    for name, fn in [("rkd_distance", rkd_distance), ("rkd_angle", rkd_angle), ("sp", similarity_preserving)]:
        s_var = s.clone().requires_grad_(True)
        loss = fn(s_var, t)
        loss.backward()
        case[name] = loss.item()
        case[name + "_grad"] = s_var.grad.flatten().tolist()
    cases.append(case)
print(json.dumps({"generator": "generate_relation_reference.py", "torch": torch.__version__, "cases": cases}, indent=1))
