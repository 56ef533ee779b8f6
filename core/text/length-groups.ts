/**
 * Length bucketing for transformer forward passes: which texts share one padded batch.
 *
 * Input: lengths[i], the token count of text i (special tokens included). Output: groups of
 * text indices, each sorted longest first, so a group runs as one [rows, lengths[group[0]]]
 * batch. Texts are sorted longest first (as sentence-transformers' encode() does) and taken
 * greedily while both limits hold:
 * - the padded batch stays within `tokensPerRun` tokens (bounds activation memory), and
 * - padding stays within `maxPadShare` of the group's real tokens (rows × seq ≤ (1 + share) · Σ len).
 *
 * The second limit is the one that matters for speed. With the token budget alone, 512 texts
 * of a sentence-length mix (log-normal around 24 tokens, a tail to 250) fell into groups of
 * 164 → 44 and 44 → 11 tokens, each padded to its longest: 33,055 padded tokens for 15,985
 * real ones and 7.86 s of CPU (one onnxruntime thread, MiniLM-L6 shape; docs/performance.md).
 * Capped at 5%: 16,741 tokens, 2.61–2.74 s. With no padding at all (2.48–2.58 s) calls of 32
 * texts, as a server gets them, split into one-row runs and slowed to 3.33 s against 3.00 s.
 */

export interface LengthGroupOptions {
  /** Most padded tokens (rows × longest length) in one group; a single longer text runs alone. */
  tokensPerRun: number;
  /** Most padding as a share of the group's real tokens, e.g. 0.1. */
  maxPadShare: number;
}

/** The ONNX-folder embedder's setting: see the header for the measurement behind 5%. */
export const EMBEDDER_GROUPS: LengthGroupOptions = { tokensPerRun: 16384, maxPadShare: 0.05 };

export function lengthGroups(lengths: ArrayLike<number>, options: LengthGroupOptions = EMBEDDER_GROUPS): Uint32Array[] {
  const { tokensPerRun, maxPadShare } = options;
  if (!(tokensPerRun >= 1)) throw new RangeError(`tokensPerRun must be at least 1, got ${tokensPerRun}`);
  if (!(maxPadShare >= 0)) throw new RangeError(`maxPadShare must be at least 0, got ${maxPadShare}`);
  const n = lengths.length;
  // Sort is stable, so texts of equal length keep their input order.
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => lengths[b] - lengths[a]);
  const groups: Uint32Array[] = [];
  for (let start = 0; start < n; ) {
    const seq = lengths[order[start]];
    let real = seq;
    let end = start + 1;
    while (end < n) {
      const rows = end - start + 1;
      const nextReal = real + lengths[order[end]];
      if (rows * seq > tokensPerRun || rows * seq > (1 + maxPadShare) * nextReal) break;
      real = nextReal;
      end++;
    }
    groups.push(order.subarray(start, end));
    start = end;
  }
  return groups;
}
