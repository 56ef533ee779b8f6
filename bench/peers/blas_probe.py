"""Which BLAS kernel a Python peer runs on, for bench/peer-blas.ts (Debian /usr/bin/python3).

Prints one JSON line: threadpoolctl's view of each BLAS (API, version, the OpenBLAS core type
it picked, threads) and the largest error of a 1,500 × 700 × 900 float32 product against the
same product in float64, so that a forced core type is checked for correct results."""
import json

import numpy as np
from threadpoolctl import threadpool_info

rng = np.random.default_rng(0)
a = rng.standard_normal((1500, 700)).astype(np.float32)
b = rng.standard_normal((700, 900)).astype(np.float32)
error = float(np.max(np.abs(a @ b - (a.astype(np.float64) @ b.astype(np.float64)))))
blas = [{key: info.get(key) for key in ("internal_api", "version", "architecture", "num_threads")}
        for info in threadpool_info() if info.get("user_api") == "blas"]
print(json.dumps({"blas": blas, "max_error": error}))
