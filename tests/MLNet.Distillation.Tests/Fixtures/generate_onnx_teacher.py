#!/usr/bin/env python3
"""A tiny convolutional ONNX teacher, exported by PyTorch, with PyTorch's own outputs as reference values.

Run once with Debian's python3-torch (PyTorch 1.13) from this folder:
    /usr/bin/python3 generate_onnx_teacher.py ../../../examples/data/digits.csv
It writes tiny_cnn_teacher.onnx (input 'image' [N,1,8,8] float; outputs 'logits' [N,10] and 'probabilities' [N,10])
and tiny_cnn_reference.json (the first 24 rows of digits.csv scaled by 1/16, and PyTorch's logits for them).
The weights are random (seeded): the tests check plumbing and numerics, not accuracy.
"""
import json
import sys
import torch
import torch.nn as nn

torch.manual_seed(7)


class TinyCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, kernel_size=3)
        self.head = nn.Linear(4 * 6 * 6, 10)

    def forward(self, image):
        x = torch.relu(self.conv(image))
        logits = self.head(x.flatten(1))
        return logits, torch.softmax(logits, dim=1)


model = TinyCnn().eval()
rows = []
with open(sys.argv[1]) as f:
    for line in f:
        values = [float(v) for v in line.strip().split(',')]
        rows.append([v / 16.0 for v in values[:64]])
        if len(rows) == 24:
            break
features = torch.tensor(rows, dtype=torch.float32)
with torch.no_grad():
    logits, probabilities = model(features.reshape(-1, 1, 8, 8))

torch.onnx.export(model, torch.zeros(2, 1, 8, 8), "tiny_cnn_teacher.onnx", input_names=["image"],
                  output_names=["logits", "probabilities"], dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"},
                                                                          "probabilities": {0: "batch"}}, opset_version=13)
with open("tiny_cnn_reference.json", "w") as f:
    json.dump({"generator": "generate_onnx_teacher.py", "torch": torch.__version__, "features": rows,
               "logits": logits.tolist(), "probabilities": probabilities.tolist()}, f)
