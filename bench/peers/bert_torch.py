"""PyTorch peer for bench/transformer.ts: the same BERT encoder as core/onnx/bert-encoder-graph.ts
(Hugging Face BertModel's eager forward pass: post-LayerNorm blocks, erf GELU, -10000 mask
bias), loaded from the weights the bench wrote, run on the bench's token ids and batches, then
mean pooling over the attention mask and L2 normalisation, as sentence-transformers does.

usage: bert_torch.py WEIGHTS.json WEIGHTS.bin BATCHES.json THREADS|default OUT.f32
prints one JSON line: threads, seconds (timed pass after one warm-up batch), cpu_seconds of the
process over that pass (cpu / wall shows how many cores it really kept busy), sentences.
"""
import json
import math
import os
import sys
import time

# torch.set_num_threads does not reach the BLAS that Debian's torch calls for nn.Linear
# (BLAS_INFO=generic: libblas.so.3, OpenBLAS pthreads here), so "1 thread" used to run its
# GEMMs on both cores: 3.5 s of CPU in 1.9 s wall. The pool size is read when the library
# loads, so it is set before numpy or torch is imported.
if len(sys.argv) > 4 and sys.argv[4] != "default":
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = sys.argv[4]

import numpy as np
import torch
from torch import nn


class Layer(nn.Module):
    def __init__(self, h, f, heads, eps):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value, self.dense = (nn.Linear(h, h) for _ in range(4))
        self.ln1 = nn.LayerNorm(h, eps=eps)
        self.up = nn.Linear(h, f)
        self.down = nn.Linear(f, h)
        self.ln2 = nn.LayerNorm(h, eps=eps)

    def split(self, x):
        b, s, h = x.shape
        return x.view(b, s, self.heads, h // self.heads).permute(0, 2, 1, 3)

    def forward(self, x, mask_bias):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1]) + mask_bias
        ctx = torch.matmul(scores.softmax(dim=-1), v).permute(0, 2, 1, 3).reshape(x.shape)
        x = self.ln1(self.dense(ctx) + x)
        return self.ln2(self.down(nn.functional.gelu(self.up(x))) + x)


class Bert(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden"]
        self.word = nn.Embedding(c["vocab"], h)
        self.position = nn.Embedding(c["maxPositions"], h)
        self.token_type = nn.Embedding(c["typeVocab"], h)
        self.ln = nn.LayerNorm(h, eps=c["epsilon"])
        self.layers = nn.ModuleList(Layer(h, c["intermediate"], c["heads"], c["epsilon"]) for _ in range(c["layers"]))

    def forward(self, ids, mask):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.ln(self.word(ids) + self.position(pos) + self.token_type(torch.zeros_like(ids)))
        mask_bias = (1.0 - mask[:, None, None, :].float()) * -10000.0
        for layer in self.layers:
            x = layer(x, mask_bias)
        return x


def load(model, manifest, raw):
    # Hugging Face parameter names -> this module's names.
    state = {}
    for t in manifest["tensors"]:
        a = torch.from_numpy(raw[t["offset"] : t["offset"] + int(np.prod(t["dims"]))].reshape(t["dims"]).copy())
        if t["linear"]:
            a = a.T.contiguous()  # ONNX MatMul reads [in, out]; nn.Linear holds [out, in]
        name = t["name"]
        for hf, ours in [
            ("embeddings.word_embeddings", "word"), ("embeddings.position_embeddings", "position"),
            ("embeddings.token_type_embeddings", "token_type"), ("embeddings.LayerNorm", "ln"),
            ("encoder.layer.", "layers."), ("attention.self.", ""), ("attention.output.dense", "dense"),
            ("attention.output.LayerNorm", "ln1"), ("intermediate.dense", "up"), ("output.dense", "down"),
            ("output.LayerNorm", "ln2"),
        ]:
            name = name.replace(hf, ours)
        state[name] = a
    model.load_state_dict(state, strict=True)


def main():
    manifest_path, raw_path, batches_path, threads, out_path = sys.argv[1:6]
    if threads != "default":
        torch.set_num_threads(int(threads))
    manifest = json.load(open(manifest_path))
    raw = np.fromfile(raw_path, dtype=np.float32)
    model = Bert(manifest["config"]).eval()
    load(model, manifest, raw)
    batches = [
        (torch.tensor(b["ids"], dtype=torch.int64).view(b["rows"], b["seq"]), torch.tensor(b["mask"], dtype=torch.int64).view(b["rows"], b["seq"]))
        for b in json.load(open(batches_path))["batches"]
    ]
    out = []
    with torch.inference_mode():
        model(*batches[0])  # warm-up, as the ONNX side runs one batch before timing
        t0, c0 = time.perf_counter(), time.process_time()
        for ids, mask in batches:
            hidden = model(ids, mask)
            m = mask.unsqueeze(-1).float()
            pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
            out.append(nn.functional.normalize(pooled, p=2, dim=1))
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    torch.cat(out).numpy().astype(np.float32).tofile(out_path)
    print(json.dumps({"threads": torch.get_num_threads(), "seconds": seconds, "cpu_seconds": cpu, "sentences": sum(b[0].shape[0] for b in batches)}))


if __name__ == "__main__":
    main()
