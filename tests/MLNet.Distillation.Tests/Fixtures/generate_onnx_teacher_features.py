#!/usr/bin/env python3
"""Reference values of an intermediate tensor of tiny_cnn_teacher.onnx, computed by PyTorch from the file's weights.

Run once with Debian's python3-torch (PyTorch 1.13) and python3-onnx from this folder:
    /usr/bin/python3 generate_onnx_teacher_features.py
It reads the convolution's weights out of tiny_cnn_teacher.onnx (its node '/Relu_output_0' is relu(conv(image)),
not a graph output), applies torch's conv2d and relu to the 24 rows of tiny_cnn_reference.json, and writes
tiny_cnn_features_reference.json: the rows' [4, 6, 6] feature maps flattened in C, H, W order (144 values per row).
The test compares TeacherScore's intermediate-output column with these values: ONNX Runtime and our plumbing are
not involved in computing them.
"""
import json
import onnx
import onnx.numpy_helper
import torch

model = onnx.load("tiny_cnn_teacher.onnx")
weights = {t.name: torch.tensor(onnx.numpy_helper.to_array(t)) for t in model.graph.initializer}
with open("tiny_cnn_reference.json") as f:
    rows = json.load(f)["features"]
images = torch.tensor(rows, dtype=torch.float32).reshape(-1, 1, 8, 8)
with torch.no_grad():
    features = torch.relu(torch.nn.functional.conv2d(images, weights["conv.weight"], weights["conv.bias"])).flatten(1)
with open("tiny_cnn_features_reference.json", "w") as f:
    json.dump({"generator": "generate_onnx_teacher_features.py", "torch": torch.__version__, "tensor": "/Relu_output_0",
               "features": features.tolist()}, f)
