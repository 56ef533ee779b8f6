"""The PyTorch peer's module (bert_torch.py) written out by torch.onnx.export, the route
optimum and sentence-transformers' ONNX backend take, so bench/transformer.ts can run the graph
a user would load beside the one core/onnx/bert-encoder-graph.ts builds. Inputs input_ids and
attention_mask (dynamic batch and sequence), output last_hidden_state.

usage: bert_torch_export.py WEIGHTS.json WEIGHTS.bin OPSET OUT.onnx
"""
import json
import sys

import numpy as np
import torch

from bert_torch import Bert, load


def main():
    manifest_path, raw_path, opset, out_path = sys.argv[1:5]
    manifest = json.load(open(manifest_path))
    model = Bert(manifest["config"]).eval()
    load(model, manifest, np.fromfile(raw_path, dtype=np.float32))
    ids = torch.full((2, 16), 1000, dtype=torch.int64)
    mask = torch.ones(2, 16, dtype=torch.int64)
    dynamic = {0: "batch", 1: "sequence"}
    with torch.inference_mode():
        torch.onnx.export(model, (ids, mask), out_path, input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                          dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic, "last_hidden_state": dynamic}, opset_version=int(opset))
    print(json.dumps({"opset": int(opset), "file": out_path}))


main()
