/**
 * The fuzzy candidates a run computed, kept for a later threshold: per distinct id in row
 * order, its best earlier LSH candidate and their exact Jaccard (core/dedup/lsh-match.ts, exact-jaccard.ts). The
 * selection, fuzzyGroups (core/dedup/fuzzy-groups.ts), is a pure function of these and the
 * threshold, so with the same bands, shingles, permutations and seed a new threshold gives the
 * table a full run gives without reading a text. Stored with the settings they came from
 * (OUTDIR/dedup-candidates.json) and the ids they describe: reused only when both still match.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEDUP_CANDIDATES, FILES } from '../../schemas/tables.js';
import { readParquet, stringsOf, int32sOf, writeParquet } from '../parquet/parquet.js';
import { writeFileAtomic } from '../store/write-file-atomic.js';

export interface FuzzyCandidates {
  match: Int32Array;
  jaccard: Float32Array;
}

/** Writes the candidates of `ids` (distinct, row order) and the key they were computed under. */
export function writeFuzzyCandidates(outDir: string, key: unknown, ids: readonly string[], c: FuzzyCandidates): void {
  // The key goes last: a key beside older candidates would claim them.
  fs.rmSync(path.join(outDir, FILES.dedupCandidatesKey), { force: true });
  writeParquet(path.join(outDir, DEDUP_CANDIDATES.path), DEDUP_CANDIDATES, { id: ids, match: c.match, jaccard: c.jaccard }, ids.length);
  writeFileAtomic(path.join(outDir, FILES.dedupCandidatesKey), JSON.stringify(key));
}

/** Candidates were stored under `key` (checked before reading the rows, which readFuzzyCandidates then checks). */
export function hasFuzzyCandidates(outDir: string, key: unknown): boolean {
  const keyFile = path.join(outDir, FILES.dedupCandidatesKey);
  return fs.existsSync(keyFile) && fs.existsSync(path.join(outDir, DEDUP_CANDIDATES.path)) && fs.readFileSync(keyFile, 'utf8') === JSON.stringify(key);
}

/** The stored candidates when they were computed under `key` for exactly `ids`; else null. */
export function readFuzzyCandidates(outDir: string, key: unknown, ids: readonly string[]): FuzzyCandidates | null {
  if (!hasFuzzyCandidates(outDir, key)) return null;
  const table = readParquet(path.join(outDir, DEDUP_CANDIDATES.path));
  const stored = stringsOf(table, DEDUP_CANDIDATES.col.id);
  if (stored.length !== ids.length || stored.some((id, i) => id !== ids[i])) return null;
  const jaccard = table.getChild(DEDUP_CANDIDATES.col.jaccard);
  if (!jaccard) return null;
  return { match: int32sOf(table, DEDUP_CANDIDATES.col.match), jaccard: Float32Array.from(jaccard.toArray() as Float32Array) };
}
