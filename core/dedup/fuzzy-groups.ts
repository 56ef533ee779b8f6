/**
 * Fuzzy duplicate groups at a Jaccard threshold, from each row's best earlier match
 * (exact-jaccard.ts): row i joins its match's group when their Jaccard is ≥ the threshold, else it
 * starts a group and is kept. Matches point to earlier rows, so every group is a tree whose
 * root — its kept row — is its earliest row, whatever order the rows were compared in; and a
 * new threshold needs only this pass over two stored columns, not new signatures.
 * This is union-find's result on the match edges, in one ordered pass.
 */
export interface FuzzyGroups {
  /** Per row: 1 kept (the first of its group), 0 a duplicate. */
  kept: Uint8Array;
  /** Per row: the kept row of its group (itself when kept). */
  group: Int32Array;
}

/** `match[i]` < i or −1, `jaccard[i]` their Jaccard (NaN without a match), in row order. */
export function fuzzyGroups(match: Int32Array, jaccard: Float32Array, threshold: number): FuzzyGroups {
  const n = match.length;
  const kept = new Uint8Array(n);
  const group = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const m = match[i];
    if (m >= i) throw new RangeError(`row ${i}'s match ${m} is not an earlier row`);
    if (m >= 0 && jaccard[i] >= threshold) group[i] = group[m];
    else {
      kept[i] = 1;
      group[i] = i;
    }
  }
  return { kept, group };
}
