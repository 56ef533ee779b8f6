/**
 * Whether every shard of a sharded stage's latest attempt is done, checked before the
 * merge (and so before fit, infer, dedup or sample read the stage): a shard that never ran,
 * did not finish, or lacks units its record claims is named with the command that reruns it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SemclustError } from '../../core/util/semclust-error.js';
import { shellJoin } from '../../core/util/shell-quote.js';
import { shardFile, shardLockScope, type ShardRecord, type ShardedStage } from './shard-records.js';

/** Some shard is missing or unfinished: the message names them and the commands to rerun. */
export class ShardsIncomplete extends SemclustError {}

/** Inputs are recorded relative to OUTDIR; shown absolute when OUTDIR was given absolute, else from here. */
function shownAs(outDir: string): (file: string) => string {
  return (file) => (path.isAbsolute(outDir) ? file : path.relative(process.cwd(), file) || '.');
}

/** The command that reruns shard `index` of `count`: the inputs it recorded (embed), OUTDIR, --shard. */
export function rerunCommand(outDir: string, stage: ShardedStage, base: ShardRecord, index: number, count: number): string {
  const shown = shownAs(outDir);
  const inputs = Array.isArray(base.settings.input) ? (base.settings.input as string[]).map((p) => shown(path.resolve(outDir, p))) : [];
  return shellJoin(['semclust', stage, ...inputs, outDir, '--shard', `${index}/${count}`]);
}

/**
 * Throws ShardsIncomplete unless each of the `count` shards in `records` (one attempt) is
 * complete and none of the units it owns is in `unfinished` (`from` mod count picks the owner).
 */
export function checkShards(outDir: string, stage: ShardedStage, records: readonly ShardRecord[], count: number, unfinished: readonly { id: number; from: number }[], noun: string): void {
  const missing = new Map<number, number[]>();
  for (const u of unfinished) missing.set(u.from % count, [...(missing.get(u.from % count) ?? []), u.id]);
  const problems: string[] = [];
  const reruns: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = records.find((x) => x.shard === i);
    let why: string | null = null;
    if (!r) why = `never ran (no ${shardFile(outDir, stage, { index: i, count })})`;
    else if (r.status !== 'complete') {
      const lock = path.join(outDir, `${shardLockScope(stage, { index: i, count })}.lock`);
      why = `did not finish (started ${r.started_at} on ${r.host}, pid ${r.pid}; ${fs.existsSync(lock) ? 'it is still running, or was killed' : 'it failed or was stopped'})`;
    } else if (missing.has(i)) why = `is missing ${noun} ${missing.get(i)!.join(', ')} (deleted or written by other settings)`;
    if (why) {
      problems.push(`  shard ${i} of ${count} ${why}`);
      reruns.push(`  ${rerunCommand(outDir, stage, r ?? records[0], i, count)}`);
    }
  }
  if (problems.length > 0) {
    throw new ShardsIncomplete(
      [
        `${outDir}: the sharded ${stage} stage is not complete: ${problems.length} of ${count} shards ${problems.length === 1 ? 'is' : 'are'} not done`,
        ...problems,
        `rerun ${problems.length > 1 ? 'them' : 'it'} (each from any machine that sees ${outDir}), then merge again:`,
        ...reruns,
      ].join('\n'),
    );
  }
}
