/**
 * Exact and fuzzy dedup over a run folder's rows/, in row order (the order of rows/: input
 * files as given, lines ascending). Exact: a row whose id (the xxh3-128 of its text) was seen
 * on an earlier row is a copy of that row; embed embedded the id once. Fuzzy: the first row of
 * each id gets a MinHash signature of its normalised text's shingles (core/dedup/), LSH finds
 * its candidate earlier rows, a second read of the texts confirms each candidate pair by the
 * exact Jaccard of the two shingle sets (core/dedup/exact-jaccard.ts), and fuzzyGroups keeps
 * the earliest row of each group.
 *
 * Against reference sets (--against, read-reference.ts), first: a row whose id a reference row
 * has (exact) or whose LSH candidates include a reference row at Jaccard ≥ the against threshold (fuzzy,
 * the reference's signatures first and only they candidates, core/dedup/lsh-match.ts) is marked
 * against that reference row, and the methods within the input then see only the rows left.
 * The reference is read again for the confirmation, as rows/ is.
 *
 * Memory: per input row its id, source and line (for the dedup/ table), and per distinct id
 * its P-value signature (512 bytes at P = 128) — all rows are candidates of all later ones;
 * per reference row its id, where it is and its signature. The signatures are dropped before
 * the confirming read, which holds the shingles of the candidates still waiting for a later
 * partner. DuckDB streams the texts; no text is kept.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { fuzzyGroups } from '../../core/dedup/fuzzy-groups.js';
import { CONFIRMED_FALSE_NEGATIVE_WEIGHT, lshBands, type LshBands } from '../../core/dedup/lsh-bands.js';
import { ExactConfirmer, type EarlierMatch } from '../../core/dedup/exact-jaccard.js';
import { lshCandidates, type CandidatePairs } from '../../core/dedup/lsh-match.js';
import { minhashFamily } from '../../core/dedup/minhash.js';
import { normalizeText } from '../../core/dedup/normalize-text.js';
import { shingleHashes, type ShingleUnit } from '../../core/dedup/shingles.js';
import { SemclustError } from '../../core/util/semclust-error.js';
import { ROWS } from '../../schemas/tables.js';
import type { ReferenceBatch } from './read-reference.js';
import { signText, type StoredSignatures } from './fuzzy-signatures.js';

export interface FuzzyOptions {
  unit: ShingleUnit;
  ngram: number;
  threshold: number;
  /** The Jaccard threshold the LSH bands are derived from (--fuzzy-bands-threshold; default `threshold`). */
  bandsThreshold?: number;
  /** The Jaccard threshold of matches against a reference (--against-fuzzy-threshold; default `threshold`), its LSH bands derived from it. */
  againstThreshold?: number;
  permutations: number;
  seed: number;
}

/** The banding fuzzy dedup uses: from the bands threshold when fixed, else from the threshold. */
export function fuzzyBanding(fuzzy: FuzzyOptions): LshBands {
  return lshBands(fuzzy.bandsThreshold ?? fuzzy.threshold, fuzzy.permutations, CONFIRMED_FALSE_NEGATIVE_WEIGHT);
}

/**
 * The decisions from an exact-only pass (`fuzzy` null) and stored candidates of the same
 * distinct ids (fuzzy-candidates.ts): fuzzyGroups at the threshold, as a full pass would give.
 */
export function withCandidates(exactOnly: LexicalDecisions, fuzzy: FuzzyOptions, c: { match: Int32Array; jaccard: Float32Array }): LexicalDecisions {
  return { ...exactOnly, fuzzy: { ...c, banding: fuzzyBanding(fuzzy), ...fuzzyGroups(c.match, c.jaccard, fuzzy.threshold) } };
}

export interface LexicalDecisions {
  /** Per input row, in row order. */
  ids: string[];
  /** The record's own id (--id-key), null without one. */
  userIds: (string | null)[];
  sources: string[];
  lines: Float64Array;
  /** Per input row: the row of its id's first occurrence (itself when first). */
  firstRow: Int32Array;
  /** The first row of each distinct id, in row order. */
  distinctRows: Int32Array;
  /** Fuzzy, per distinct id (null when fuzzy is off): its best earlier match (distinct index, −1 none), their exact Jaccard, kept flag and group's kept distinct index. */
  fuzzy: { match: Int32Array; jaccard: Float32Array; kept: Uint8Array; group: Int32Array; banding: LshBands } | null;
  /** Against reference sets (null without): per distinct id, how it matched a reference row (0 not, 1 exact, 2 fuzzy), which (reference index, −1) and the exact Jaccard (NaN for exact). */
  against: { ids: string[]; where: string[]; how: Uint8Array; match: Int32Array; jaccard: Float32Array } | null;
}

export const AGAINST_EXACT = 1;
export const AGAINST_FUZZY = 2;

/** Reference rows for lexicalDedup: `batches` reads them, and is called again for the confirming read when fuzzy finds candidates. */
export interface LexicalReference {
  batches: () => AsyncIterable<ReferenceBatch>;
  exact: boolean;
}

/**
 * Reads the reference rows (when given), then rows/ once, and with fuzzy candidates the texts
 * of both again; `fuzzy` null runs no fuzzy pass, `exact` false leaves identical texts to fuzzy
 * (Jaccard 1) when matching the reference. `stored`: the input's signatures as dedup shards
 * computed them (fuzzy-signatures.ts, the same family), so the first read reads no text.
 */
export async function lexicalDedup(conn: DuckDBConnection, fuzzy: FuzzyOptions | null, onRows?: (rows: number) => void, reference?: LexicalReference, stored?: StoredSignatures): Promise<LexicalDecisions> {
  const r = ROWS.col;
  const P = fuzzy?.permutations ?? 0;
  const family = fuzzy ? minhashFamily(P, fuzzy.seed) : null;
  const ids: string[] = [];
  const userIds: (string | null)[] = [];
  const sources: string[] = [];
  let lines: Float64Array = new Float64Array(1024);
  let firstRow: Int32Array = new Int32Array(1024);
  const firstOf = new Map<string, number>();
  const distinct: number[] = [];
  let signatures: Uint32Array = new Uint32Array(fuzzy ? 1024 * P : 0);
  let use: Uint8Array = new Uint8Array(1024);
  /** Signatures in `signatures`/`use` so far: the reference's, then the input's distinct ids. */
  let signed = 0;
  /** Signs `text`, or (null) copies the current row's signature from `stored`. */
  const sign = (text: string | null) => {
    if (!fuzzy || !family) return;
    if ((signed + 1) * P > signatures.length) {
      signatures = grow(signatures, signatures.length * 2) as Uint32Array;
      use = grow(use, use.length * 2) as Uint8Array;
    }
    use[signed] = text === null ? stored!.copy(signatures, signed * P) : signText(text, fuzzy, family, signatures, signed * P);
    signed++;
  };
  const refIds: string[] = [];
  const refWhere: string[] = [];
  const refOf = new Map<string, number>();
  if (reference) {
    for await (const b of reference.batches()) {
      b.ids.forEach((id, k) => {
        if (reference.exact && !refOf.has(id)) refOf.set(id, refIds.length);
        refIds.push(id);
        refWhere.push(b.where[k]);
        sign(b.texts[k]);
      });
    }
  }
  const nRef = signed;
  // With stored signatures the first read needs no text.
  const result = await conn.stream(`SELECT ${r.id}, ${fuzzy && !stored ? r.text : 'NULL'}, ${r.source}, ${r.line}, ${r.user_id} FROM ${ROWS.name}`);
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const [idv, textv, sourcev, linev, userv] = [0, 1, 2, 3, 4].map((c) => chunk.getColumnVector(c));
    for (let k = 0; k < chunk.rowCount; k++) {
      const row = ids.length;
      if (row === lines.length) {
        lines = grow(lines, row * 2) as Float64Array;
        firstRow = grow(firstRow, row * 2) as Int32Array;
      }
      const id = idv.getItem(k) as string;
      if (fuzzy) stored?.row(id);
      ids.push(id);
      sources.push(sourcev.getItem(k) as string);
      userIds.push(userv.getItem(k) as string | null);
      lines[row] = Number(linev.getItem(k));
      const first = firstOf.get(id);
      if (first !== undefined) {
        firstRow[row] = first;
        continue;
      }
      firstOf.set(id, row);
      firstRow[row] = row;
      distinct.push(row);
      sign(stored ? null : (textv.getItem(k) as string));
    }
    onRows?.(ids.length);
  }
  if (fuzzy) stored?.finish(ids.length);
  firstOf.clear();
  const distinctRows = Int32Array.from(distinct);
  const nd = distinctRows.length;
  const banding = fuzzy ? fuzzyBanding(fuzzy) : null;
  let against: LexicalDecisions['against'] = null;
  // The confirming read: the distinct rows' texts of rows/ in row order, checked against the ids the first read gave.
  async function* inputTexts(): AsyncGenerator<string[]> {
    const result = await conn.stream(`SELECT ${r.id}, ${r.text} FROM ${ROWS.name}`);
    let row = 0;
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const [idv, textv] = [0, 1].map((c) => chunk.getColumnVector(c));
      const texts: string[] = [];
      for (let k = 0; k < chunk.rowCount; k++, row++) {
        if (ids[row] !== (idv.getItem(k) as string)) throw new SemclustError(`rows/ changed while dedup read it (row ${row} is now another text); rerun semclust dedup`);
        if (firstRow[row] === row) texts.push(textv.getItem(k) as string);
      }
      yield texts;
    }
  }
  async function* referenceTexts(): AsyncGenerator<string[]> {
    for await (const b of reference!.batches()) yield b.texts;
  }
  const confirm = async (pairs: CandidatePairs, n: number, reads: (() => AsyncIterable<string[]>)[]): Promise<EarlierMatch> => {
    const confirmer = new ExactConfirmer(pairs, n);
    // Without candidates nothing needs a text: the read is skipped.
    if (pairs.row.length > 0) {
      let k = 0;
      for (const read of reads) {
        for await (const texts of read()) {
          for (const text of texts) {
            if (k < n && confirmer.needs(k)) confirmer.visit(k, shingleHashes(normalizeText(text), fuzzy!.unit, fuzzy!.ngram).sort());
            k++;
          }
        }
      }
      if (k !== n) throw new SemclustError(`the confirming read gave ${k} texts where the first gave ${n}: a reference or rows/ changed while dedup read it; rerun semclust dedup`);
    }
    return confirmer.result();
  };
  if (reference) {
    against = { ids: refIds, where: refWhere, how: new Uint8Array(nd), match: new Int32Array(nd).fill(-1), jaccard: new Float32Array(nd).fill(NaN) };
    for (let d = 0; d < nd; d++) {
      const r = refOf.get(ids[distinctRows[d]]);
      if (r === undefined) continue;
      [against.how[d], against.match[d]] = [AGAINST_EXACT, r];
      // Removed: no candidate for the reference's fuzzy pass nor the input's.
      if (fuzzy) use[nRef + d] = 0;
    }
    if (fuzzy && banding) {
      const threshold = fuzzy.againstThreshold ?? fuzzy.threshold;
      const againstBanding = lshBands(threshold, P, CONFIRMED_FALSE_NEGATIVE_WEIGHT);
      const m = await confirm(lshCandidates(signatures, nRef + nd, P, againstBanding, use, nRef), nRef + nd, [referenceTexts, inputTexts]);
      for (let d = 0; d < nd; d++) {
        if (m.match[nRef + d] < 0 || !(m.jaccard[nRef + d] >= threshold)) continue;
        [against.how[d], against.match[d], against.jaccard[d]] = [AGAINST_FUZZY, m.match[nRef + d], m.jaccard[nRef + d]];
        use[nRef + d] = 0;
      }
    }
  }
  refOf.clear();
  let fuzzyResult: LexicalDecisions['fuzzy'] = null;
  if (fuzzy && banding) {
    const pairs = lshCandidates(signatures.subarray(nRef * P), nd, P, banding, use.subarray(nRef));
    // The signatures are done with: the confirming read holds shingle sets instead.
    signatures = new Uint32Array(0);
    const { match, jaccard } = await confirm(pairs, nd, [inputTexts]);
    fuzzyResult = { match, jaccard, banding, ...fuzzyGroups(match, jaccard, fuzzy.threshold) };
  }
  return { ids, userIds, sources, lines: lines.subarray(0, ids.length), firstRow: firstRow.subarray(0, ids.length), distinctRows, fuzzy: fuzzyResult, against };
}

function grow<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(length, 1024));
  b.set(a);
  return b;
}
