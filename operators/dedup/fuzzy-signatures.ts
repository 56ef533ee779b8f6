/**
 * MinHash signatures computed apart from the dedup pass, for a sharded dedup: a shard signs the
 * texts of its rows/ parts (one part a unit), one signature per distinct id of the part in
 * first-occurrence order, into a durable file per part; the merge reads the parts in row order
 * and hands lexicalDedup (lexical-dedup.ts) the signature of each row whose id it meets first,
 * instead of reading and signing the text. A signature depends only on the text and the
 * MinHash family (shingles, n-gram, permutations, seed), so the merge joins the LSH buckets and
 * confirms candidates exactly as one process does, and the dedup/ table is the same.
 *
 * File layout (little-endian): m × P uint32 signatures, then m bytes, 1 where the text had
 * shingles (an empty set's signature is left out of comparisons, minhash.ts). Memory: one part's
 * texts while signing (part_rows rows), one part's signatures while merging (m × (4P + 1) bytes:
 * 8.4 MB at 16,384 distinct ids and P = 128).
 */
import fs from 'node:fs';
import { minhashSignature, type MinHashFamily } from '../../core/dedup/minhash.js';
import { normalizeText } from '../../core/dedup/normalize-text.js';
import { shingleHashes } from '../../core/dedup/shingles.js';
import { SemclustError } from '../../core/util/semclust-error.js';
import { ROWS } from '../../schemas/tables.js';
import { readParquet, stringsOf } from '../parquet/parquet.js';
import { writeFileAtomic } from '../store/write-file-atomic.js';
import type { FuzzyOptions } from './lexical-dedup.js';

/**
 * Signs one text into `out[offset … offset + P)` (its normalised text's shingles); returns 1
 * when it had shingles, 0 when not (then it is compared with nothing).
 */
export function signText(text: string, fuzzy: Pick<FuzzyOptions, 'unit' | 'ngram'>, family: MinHashFamily, out: Uint32Array, offset: number): number {
  const shingles = shingleHashes(normalizeText(text), fuzzy.unit, fuzzy.ngram);
  minhashSignature(shingles, family, out, offset);
  return shingles.length > 0 ? 1 : 0;
}

/** What signing a rows/ part found: its rows and distinct ids (the signatures in the file). */
export interface SignedPart {
  rows: number;
  distinct: number;
}

/** Signs the distinct ids of one rows/ part (first occurrence in the part, in row order) into `file`, atomically. */
export function signRowsPart(part: string, file: string, fuzzy: Pick<FuzzyOptions, 'unit' | 'ngram' | 'permutations'>, family: MinHashFamily): SignedPart {
  const table = readParquet(part, [ROWS.col.id, ROWS.col.text]);
  const ids = stringsOf(table, ROWS.col.id);
  const texts = stringsOf(table, ROWS.col.text);
  const P = fuzzy.permutations;
  const seen = new Set<string>();
  const order: number[] = [];
  ids.forEach((id, k) => {
    if (seen.has(id)) return;
    seen.add(id);
    order.push(k);
  });
  const m = order.length;
  const bytes = new Uint8Array(m * (4 * P + 1));
  const signatures = new Uint32Array(bytes.buffer, 0, m * P);
  const use = bytes.subarray(4 * m * P);
  order.forEach((k, d) => (use[d] = signText(texts[k], fuzzy, family, signatures, d * P)));
  writeFileAtomic(file, bytes);
  return { rows: ids.length, distinct: m };
}

/** One signed part, in row order: its signature file and what signing it found. */
export interface SignedPartFile extends SignedPart {
  file: string;
}

/**
 * The signatures of rows/ in row order, one part in memory at a time. lexicalDedup calls
 * `row(id)` for every row in order, then `copy` for the rows whose id it meets first; a part's
 * first occurrence of an id is where its signature is, and a row first in rows/ is first in its part.
 */
export class StoredSignatures {
  private next = 0;
  private left = 0;
  private seen = new Map<string, number>();
  private current = -1;
  private signatures = new Uint32Array(0);
  private use = new Uint8Array(0);

  constructor(
    private readonly parts: readonly SignedPartFile[],
    private readonly permutations: number,
  ) {}

  /** Moves to the next row of rows/, whose id is `id`. */
  row(id: string): void {
    while (this.left === 0) this.load();
    this.left--;
    let d = this.seen.get(id);
    if (d === undefined) this.seen.set(id, (d = this.seen.size));
    this.current = d;
  }

  /** Writes the current row's signature into `out` at `offset`; returns its use flag (1: has shingles). */
  copy(out: Uint32Array, offset: number): number {
    const P = this.permutations;
    out.set(this.signatures.subarray(this.current * P, (this.current + 1) * P), offset);
    return this.use[this.current];
  }

  /** Every part's rows were visited: rows/ has exactly the rows the shards signed. */
  finish(rows: number): void {
    const signed = this.parts.reduce((n, p) => n + p.rows, 0);
    if (this.next !== this.parts.length || this.left !== 0 || signed !== rows) {
      throw new SemclustError(`rows/ has ${rows} rows where the dedup shards signed ${signed}: rows/ changed after they ran; rerun the dedup shards (semclust dedup OUTDIR --shard I/N)`);
    }
  }

  private load(): void {
    if (this.next === this.parts.length) throw new SemclustError('rows/ has more rows than the dedup shards signed: rows/ changed after they ran; rerun the dedup shards (semclust dedup OUTDIR --shard I/N)');
    const p = this.parts[this.next++];
    const P = this.permutations;
    const bytes = fs.readFileSync(p.file);
    if (bytes.length !== p.distinct * (4 * P + 1)) throw new SemclustError(`${p.file} holds ${bytes.length} bytes where ${p.distinct} signatures of ${P} permutations take ${p.distinct * (4 * P + 1)}: damaged; rerun the dedup shard that owns it`);
    // A copy aligned for Uint32Array (readFileSync's buffer may sit at any offset of a shared pool).
    const aligned = new Uint8Array(bytes);
    this.signatures = new Uint32Array(aligned.buffer, 0, p.distinct * P);
    this.use = aligned.subarray(4 * p.distinct * P);
    this.seen = new Map();
    this.left = p.rows;
  }
}
