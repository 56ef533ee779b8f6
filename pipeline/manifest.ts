/**
 * Run state in OUTDIR/manifest.json. A stage is skipped when its record is complete under
 * the same key; otherwise its outputs and every later stage's are removed and it is redone
 * from scratch, so a crash mid-stage can never leave mixed or duplicated parts behind.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { STAGES, type StageName } from '../schemas/config.js';
import { Manifest, STAGE_OUTPUTS, type StageRecord } from '../schemas/manifest.js';
import { FILES } from '../schemas/tables.js';
import { writeFileAtomic } from '../operators/write-file-atomic.js';

export function stageKey(params: Record<string, unknown>, upstreamKey: string | null): string {
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify({ params, upstream: upstreamKey }));
  return h.digest('hex').slice(0, 16);
}

export class RunState {
  private constructor(
    readonly outDir: string,
    private manifest: Manifest,
  ) {}

  static open(outDir: string): RunState {
    const file = path.join(outDir, FILES.manifest);
    if (!fs.existsSync(file)) return new RunState(outDir, { version: 1, settings: {}, stages: {} });
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message}); delete it to start this output folder afresh`);
    }
    const parsed = Manifest.safeParse(raw);
    if (!parsed.success) throw new Error(`${file}: not a semclust manifest; delete it to start this output folder afresh`);
    return new RunState(outDir, parsed.data);
  }

  static exists(outDir: string): boolean {
    return fs.existsSync(path.join(outDir, FILES.manifest));
  }

  get settings(): Record<string, unknown> {
    return this.manifest.settings;
  }

  record(stage: StageName): StageRecord | undefined {
    return this.manifest.stages[stage];
  }

  completeKey(stage: StageName): string | null {
    const r = this.manifest.stages[stage];
    return r?.status === 'complete' ? r.key : null;
  }

  isComplete(stage: StageName, key: string): boolean {
    return this.completeKey(stage) === key;
  }

  /** Clears this stage and every later one, then records it as running. */
  begin(stage: StageName, key: string, params: Record<string, unknown>, settings: Record<string, unknown>): void {
    for (const s of STAGES.slice(STAGES.indexOf(stage))) {
      for (const out of STAGE_OUTPUTS[s]) fs.rmSync(path.join(this.outDir, out), { recursive: true, force: true });
      delete this.manifest.stages[s];
    }
    this.manifest.settings = settings;
    this.manifest.stages[stage] = { status: 'running', key, params, started_at: new Date().toISOString() };
    this.save();
  }

  complete(stage: StageName, stats: Record<string, unknown>): StageRecord {
    const r = this.manifest.stages[stage];
    if (!r) throw new Error(`stage ${stage} was not begun`);
    const finished = new Date();
    r.status = 'complete';
    r.finished_at = finished.toISOString();
    r.seconds = (finished.getTime() - Date.parse(r.started_at)) / 1000;
    r.stats = stats;
    this.save();
    return r;
  }

  private save(): void {
    writeFileAtomic(path.join(this.outDir, FILES.manifest), JSON.stringify(this.manifest, null, 2) + '\n');
  }
}
