/**
 * The durable record of a resumable stage's finished parts: one small JSON file per part
 * (OUTDIR/progress/<stage>/part-N.json), written atomically only after that part's Parquet
 * files are durable. After a crash the next attempt keeps exactly the parts recorded here
 * and redoes the rest. One file per part (not one growing file) keeps each write O(1) and
 * lets independent writers (threads, shards) record parts without sharing a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './write-file-atomic.js';

const PART_FILE = /^part-(\d+)\.json$/;

export class PartLedger<T> {
  constructor(readonly dir: string) {}

  private file(part: number): string {
    return path.join(this.dir, `part-${String(part).padStart(5, '0')}.json`);
  }

  record(part: number, entry: T): void {
    writeFileAtomic(this.file(part), JSON.stringify(entry) + '\n');
  }

  /** Every recorded part, by part number. */
  entries(): Map<number, T> {
    const out = new Map<number, T>();
    if (!fs.existsSync(this.dir)) return out;
    for (const f of fs.readdirSync(this.dir)) {
      const m = PART_FILE.exec(f);
      if (m) out.set(Number(m[1]), JSON.parse(fs.readFileSync(path.join(this.dir, f), 'utf8')) as T);
    }
    return out;
  }

  /** The recorded parts 0..n-1 with no gap, in order (what an in-order writer can resume after). */
  prefix(): T[] {
    const all = this.entries();
    const out: T[] = [];
    while (all.has(out.length)) out.push(all.get(out.length)!);
    return out;
  }
}
