/**
 * Token-to-sentence pooling over a transformer's row-major [batch, seq, hidden] output,
 * guided by the attention mask (1 = real token, 0 = padding).
 */

/** Mean of the hidden vectors of the attended tokens of each sequence; a fully masked row pools to zeros. */
export function meanPool(
  hidden: Float32Array,
  mask: Uint8Array,
  batch: number,
  seq: number,
  dims: number,
  out: Float32Array = new Float32Array(batch * dims),
): Float32Array {
  checkShapes(hidden, mask, batch, seq, dims, out);
  out.fill(0, 0, batch * dims);
  for (let b = 0; b < batch; b++) {
    const o = b * dims;
    let count = 0;
    for (let t = 0; t < seq; t++) {
      if (mask[b * seq + t] === 0) continue;
      count++;
      const h = (b * seq + t) * dims;
      for (let j = 0; j < dims; j++) out[o + j] += hidden[h + j];
    }
    if (count === 0) continue;
    const inv = 1 / count;
    for (let j = 0; j < dims; j++) out[o + j] *= inv;
  }
  return out;
}

/**
 * The hidden vector of each sequence's first attended token (BERT's [CLS], RoBERTa's <s>).
 * Taking the first attended rather than the first position keeps left-padded batches right.
 */
export function clsPool(
  hidden: Float32Array,
  mask: Uint8Array,
  batch: number,
  seq: number,
  dims: number,
  out: Float32Array = new Float32Array(batch * dims),
): Float32Array {
  checkShapes(hidden, mask, batch, seq, dims, out);
  for (let b = 0; b < batch; b++) {
    let t = 0;
    while (t < seq && mask[b * seq + t] === 0) t++;
    const o = b * dims;
    if (t === seq) {
      out.fill(0, o, o + dims);
      continue;
    }
    const h = (b * seq + t) * dims;
    out.set(hidden.subarray(h, h + dims), o);
  }
  return out;
}

function checkShapes(
  hidden: Float32Array,
  mask: Uint8Array,
  batch: number,
  seq: number,
  dims: number,
  out: Float32Array,
): void {
  if (hidden.length !== batch * seq * dims) {
    throw new Error(`pooling: hidden has ${hidden.length} values, expected ${batch}×${seq}×${dims}`);
  }
  if (mask.length !== batch * seq) throw new Error(`pooling: mask has ${mask.length} values, expected ${batch}×${seq}`);
  if (out.length < batch * dims) throw new Error(`pooling: output holds ${out.length} values, needs ${batch * dims}`);
}
