#!/usr/bin/python3
"""One training epoch of the 784-64-10 MLP in a lean PyTorch loop: the speed suite's fair anchor (see README.md here).

Reads the rows the suite wrote (float32 features, int64 labels, float32 teacher logits, raw little-endian), trains
--epochs epochs exactly as the suite's raw TorchSharp loop does (preloaded tensors, batches by index_select, built-in
cross_entropy and kl_div with the teacher's log-softmax computed once, torch.optim.AdamW at lr 1e-3) and prints one
JSON line: the seconds of every epoch, the BLAS library torch loaded, and torch's version and thread count.
"""
import argparse
import json
import time

import numpy as np
import torch
import torch.nn.functional as F


def loaded_blas():
    """The BLAS shared object this process mapped (OpenBLAS for the fair anchor; Debian's default is the reference BLAS)."""
    with open("/proc/self/maps") as maps:
        names = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    return sorted(names)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True, help="folder with features.f32, labels.i64, teacher.f32")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--distilled", action="store_true")
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    features, hidden, classes, temperature = 784, 64, 10, 4.0

    x = torch.from_numpy(np.fromfile(f"{args.data}/features.f32", dtype=np.float32).reshape(args.rows, features))
    y = torch.from_numpy(np.fromfile(f"{args.data}/labels.i64", dtype=np.int64))
    t = torch.from_numpy(np.fromfile(f"{args.data}/teacher.f32", dtype=np.float32).reshape(args.rows, classes))
    teacher_log = F.log_softmax(t / temperature, dim=1)

    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(features, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, classes))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    seconds = []
    for _ in range(args.epochs):
        permutation = torch.randperm(args.rows)
        start_time = time.perf_counter()
        for start in range(0, args.rows, args.batch):
            index = permutation[start:start + args.batch]
            n = index.numel()
            logits = model(x.index_select(0, index))
            loss = F.cross_entropy(logits, y.index_select(0, index))
            if args.distilled:
                loss = loss * 0.1 + F.kl_div(F.log_softmax(logits / temperature, dim=1), teacher_log.index_select(0, index),
                                             reduction="sum", log_target=True) * (0.9 * temperature * temperature / n)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start_time)
    print(json.dumps({"seconds": seconds, "blas": loaded_blas(), "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
