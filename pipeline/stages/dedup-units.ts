/**
 * The dedup stage as shards: its units are the rows/ parts (as infer's are the embeddings
 * parts; a shard owns the parts of its input units), and a shard computes the MinHash
 * signatures of its parts' texts (operators/dedup/fuzzy-signatures.ts) into
 * OUTDIR/progress/dedup/signatures-U.bin, each recorded in the stage's ledger with the shard
 * key once durable, so a rerun keeps them. The merge (pipeline/stages/dedup.ts) runs the one
 * dedup pass with these signatures in place of signing the texts: every row is a candidate of
 * every earlier row, so the LSH buckets, the exact-Jaccard confirmation and the semantic method
 * need the whole input; signing (normalising, shingling, P hashes per shingle) is the share
 * that splits. Without fuzzy in --dedup-methods a unit has nothing to sign.
 */
import path from 'node:path';
import { PROGRESS_DIR } from '../../schemas/manifest.js';
import { ROWS } from '../../schemas/tables.js';
import { minhashFamily } from '../../core/dedup/minhash.js';
import { signRowsPart, StoredSignatures } from '../../operators/dedup/fuzzy-signatures.js';
import { listParts } from '../../operators/parquet/parquet.js';
import type { Settings } from '../../schemas/config.js';
import type { StageRun, WorkUnit } from '../run/stage.js';
import { unitOfPart } from '../shard/shard-records.js';

/** A rows/ part as a unit of the sharded dedup. */
export interface DedupUnit extends WorkUnit {
  file: string;
}

/** A signed part's ledger entry: the shard key it was signed under, the part, and what signing found. */
export interface DedupEntry {
  key: string;
  part: string;
  rows: number;
  distinct: number;
}

const pad = (u: number) => String(u).padStart(6, '0');
const signatureFile = (outDir: string, unit: number) => path.join(outDir, PROGRESS_DIR, 'dedup', `signatures-${pad(unit)}.bin`);

const fuzzyOf = (s: Settings) => (s.dedup_methods.includes('fuzzy') ? { unit: s.fuzzy_shingles, ngram: s.fuzzy_ngram, permutations: s.fuzzy_permutations } : null);

/** Every rows/ part, in row order; the input unit it came from (part-U-K, or part N of one process as unit N) picks its shard. */
export async function dedupUnits(ctx: StageRun): Promise<DedupUnit[]> {
  return listParts(path.join(ctx.outDir, ROWS.path)).map((file, id) => ({ id, file, from: unitOfPart(file) ?? id }));
}

/** The ledger's entries signed under `key` for the part each unit is now. */
function signedUnder(ctx: StageRun, units: readonly DedupUnit[], key: string): Map<number, DedupEntry> {
  const recorded = ctx.ledger.entries() as Map<number, DedupEntry>;
  const out = new Map<number, DedupEntry>();
  for (const u of units) {
    const e = recorded.get(u.id);
    if (e && e.key === key && e.part === path.basename(u.file)) out.set(u.id, e);
  }
  return out;
}

/** A shard's units: signs the parts not yet signed under `key`, keeping the others. */
export async function signUnits(ctx: StageRun, mine: readonly DedupUnit[], key: string): Promise<{ signed: number; kept: number; rows: number }> {
  const kept = signedUnder(ctx, mine, key);
  const fuzzy = fuzzyOf(ctx.settings);
  const family = fuzzy ? minhashFamily(fuzzy.permutations, ctx.settings.seed) : null;
  const progress = ctx.progress('dedup', 'rows');
  let rows = [...kept.values()].reduce((n, e) => n + e.rows, 0);
  let signed = 0;
  for (const u of mine) {
    if (kept.has(u.id)) continue;
    // The signature file first, then the ledger entry that vouches for it.
    const found = fuzzy && family ? signRowsPart(u.file, signatureFile(ctx.outDir, u.id), fuzzy, family) : { rows: 0, distinct: 0 };
    ctx.ledger.record(u.id, { key, part: path.basename(u.file), ...found } satisfies DedupEntry);
    rows += found.rows;
    signed++;
    progress.update(rows, null);
  }
  progress.done(rows);
  return { signed, kept: kept.size, rows };
}

/** The units of the attempt under `key` with no signed part: the merge names their shards. */
export async function unsignedUnits(ctx: StageRun, key: string): Promise<DedupUnit[]> {
  const units = await dedupUnits(ctx);
  const signed = signedUnder(ctx, units, key);
  return units.filter((u) => !signed.has(u.id));
}

/** Every part's signatures in row order, for the merge's dedup pass (null without fuzzy). */
export async function storedSignatures(ctx: StageRun, key: string): Promise<StoredSignatures | null> {
  const fuzzy = fuzzyOf(ctx.settings);
  if (!fuzzy) return null;
  const units = await dedupUnits(ctx);
  const signed = signedUnder(ctx, units, key);
  return new StoredSignatures(
    units.map((u) => ({ file: signatureFile(ctx.outDir, u.id), ...signed.get(u.id)! })),
    fuzzy.permutations,
  );
}
