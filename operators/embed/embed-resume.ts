/**
 * What an interrupted embed attempt leaves to keep: the parts its ledger records (a
 * prefix 0..n-1), their running totals, the input position and digests after the last
 * one, and the ids already embedded (so a text seen before the crash is not embedded
 * twice). Parts written after the last recorded one, and rejects after it, are removed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IdSet } from '../../core/util/id-set.js';
import { EMBEDDINGS, FILES, ROWS } from '../../schemas/tables.js';
import type { FileStat } from '../input/input-identity.js';
import { listParts, readParquet, stringsOf } from '../parquet/parquet.js';
import type { PartLedger } from '../store/part-ledger.js';
import { STDIN, type InputPosition } from '../input/read-lines.js';
import type { RejectSnapshot } from '../input/reject-counter.js';
import type { EmbedTotals } from './write-embed-parts.js';
import type { UsageCounts } from '../embedders/embedder.js';

/** One ledger entry of the embed stage: the totals after the part and where reading stood. */
export interface EmbedCheckpoint extends EmbedTotals {
  part: number;
  position: InputPosition;
  digests: (string | null)[];
  rejects: RejectSnapshot;
  /** The input files as stat'ed when the attempt began; a resume needs the same. */
  files: FileStat[];
  /**
   * A served model's counts when the part was cut, earlier attempts' kept parts included: a
   * resume adds its own to them. Requests read ahead of the cut are in it, as the server counted them.
   */
  usage?: UsageCounts;
}

export interface KeptParts {
  parts: number;
  totals: EmbedTotals;
  checkpoint: EmbedCheckpoint | null;
  seen: IdSet | null;
  rejectsFile: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface KeepOptions {
  outDir: string;
  ledger: PartLedger<unknown>;
  resuming: boolean;
  sources: readonly string[];
  files: readonly FileStat[];
  /** Clears the stage's outputs for a fresh start. */
  restart: () => void;
  log: (m: string) => void;
}

export function keepEmbedParts(o: KeepOptions): KeptParts {
  const rejectsFile = path.join(o.outDir, FILES.rejects);
  const fresh = (): KeptParts => {
    fs.mkdirSync(o.outDir, { recursive: true });
    fs.writeFileSync(rejectsFile, '');
    return { parts: 0, totals: { parts: 0, rows: 0, embedded: 0, rejected: 0, rejectsBytes: 0 }, checkpoint: null, seen: null, rejectsFile };
  };
  if (!o.resuming) return fresh();
  const entries = o.ledger.prefix() as EmbedCheckpoint[];
  const last = entries[entries.length - 1];
  if (!last) {
    o.log('embed: the interrupted attempt recorded no first part; starting again');
    o.restart();
    return fresh();
  }
  if (o.sources.includes(STDIN)) {
    o.log('embed: stdin cannot be read again from where it stopped; starting again');
    o.restart();
    return fresh();
  }
  // Files added after the ones it read are read next (an embed extended with new input).
  if (!same(last.files, o.files.slice(0, last.files.length))) {
    o.log('embed: the input files changed since the interrupted attempt; starting again');
    o.restart();
    return fresh();
  }
  const n = entries.length;
  for (const dir of [ROWS.path, EMBEDDINGS.path]) {
    listParts(path.join(o.outDir, dir)).slice(n).forEach((f) => fs.rmSync(f));
  }
  for (const part of o.ledger.entries().keys()) if (part >= n) fs.rmSync(path.join(o.ledger.dir, `part-${String(part).padStart(5, '0')}.json`));
  fs.truncateSync(rejectsFile, last.rejectsBytes);
  const seen = new IdSet(Math.max(1 << 16, last.embedded));
  for (const f of listParts(path.join(o.outDir, EMBEDDINGS.path))) for (const id of stringsOf(readParquet(f, [EMBEDDINGS.col.id]), EMBEDDINGS.col.id)) seen.add(id);
  o.log(`embed: keeping ${n} finished parts (${last.rows.toLocaleString('en-US')} rows); reading on from line ${last.position.line} of input ${last.position.source + 1}`);
  const totals = { parts: last.parts, rows: last.rows, embedded: last.embedded, rejected: last.rejected, rejectsBytes: last.rejectsBytes };
  return { parts: n, totals, checkpoint: last, seen, rejectsFile };
}
