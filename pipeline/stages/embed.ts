/**
 * Stage 1: JSONL → rows/ and embeddings/ Parquet parts (+ rejects.jsonl), as one
 * backpressured stream (embed-stream.ts): read lines → extract text → embed → write parts.
 * Resumable by part: each durable part records the input position it ends at, and a rerun
 * after a crash keeps those parts and reads on from there. As shards it splits into input
 * units (embed-units.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { InputIdentity, PROGRESS_DIR } from '../../schemas/manifest.js';
import { EMBEDDINGS, FILES, ROWS } from '../../schemas/tables.js';
import type { StageStats } from './index.js';
import { SOTU } from '../cli/demo-corpus.js';
import type { SettingKey, Settings } from '../../schemas/config.js';
import { STATIC_MODEL, openEmbedder, staticRecipe } from '../../operators/embedders/open-embedder.js';
import { RECIPE_CHANGE } from '../../operators/embedders/static-model.js';
import { openEmbedderInWorker } from '../../operators/embedders/worker-embedder.js';
import { keepEmbedParts, type EmbedCheckpoint } from '../../operators/embed/embed-resume.js';
import { openPrecomputedVectors, type PrecomputedVectors } from '../../operators/input/precomputed-vectors.js';
import { statInputs } from '../../operators/input/input-identity.js';
import { STDIN, contentDigest, resolveInputs, totalInputBytes } from '../../operators/input/read-lines.js';
import { RejectCounter } from '../../operators/input/reject-counter.js';
import { EmbedPartsWriter } from '../../operators/embed/write-embed-parts.js';
import { checkUserIds } from '../../operators/input/user-ids.js';
import type { SettingChange, Stage, StageRun } from '../run/stage.js';
import { addUsage, type Embedder, type ServedUsage, type UsageCounts } from '../../operators/embedders/embedder.js';
import { parseKeyPath } from '../../core/text/key-path.js';
import { parseTextTemplate } from '../../core/text/text-template.js';
import { SettingsError } from '../settings/settings.js';
import { embedStream } from './embed-stream.js';
import { servedStats } from './served-stats.js';
import { embedSplit, inputsOf, recipeStats } from './embed-units.js';
import { flagOf } from '../../schemas/flag-name.js';

/**
 * The recorded inputs against the files now: changed sizes, or mtimes whose content changed;
 * and, when the input setting is the same folder or glob, files that appeared or went away.
 */
async function inputChanges(s: Settings, outDir: string, recorded: readonly InputIdentity[], given: ReadonlySet<string>, sameSetting: boolean): Promise<SettingChange[]> {
  const inputs = inputsOf(s);
  if (inputs.includes(STDIN)) return given.has('input') ? [{ key: 'input', from: 'stdin', to: 'stdin (read again: it cannot be identified)' }] : [];
  // Inputs that are gone (moved, deleted, or OUTDIR copied elsewhere) do not undo a complete
  // embed stage that nobody asked to redo: its rows and embeddings are all later stages read.
  if (!given.has('input') && recorded.every((r) => !fs.existsSync(path.resolve(outDir, r.path)))) return [];
  const now = statInputs(await resolveInputs(inputs), outDir);
  const changes: SettingChange[] = [];
  const before = new Map(recorded.map((r) => [r.path, r]));
  for (const f of now) {
    const r = before.get(f.path);
    if (!r) continue; // a new file changes the input setting itself, reported there
    if (r.size !== f.size) changes.push({ key: `input ${f.path}`, from: `${r.size} bytes`, to: `${f.size} bytes` });
    else if (r.mtime_ms !== f.mtime_ms && (await contentDigest(`${outDir}/${f.path}`)) !== r.xxh3) {
      changes.push({ key: `input ${f.path}`, from: `content ${r.xxh3.slice(0, 8)}`, to: 'edited (same size, new content)' });
    }
  }
  if (sameSetting) {
    const paths = new Set(now.map((f) => f.path));
    for (const f of now) if (!before.has(f.path)) changes.push({ key: `input ${f.path}`, from: 'absent', to: `a new file (${f.size} bytes)` });
    for (const r of recorded) if (!paths.has(r.path)) changes.push({ key: `input ${r.path}`, from: `${r.size} bytes`, to: 'gone' });
  }
  return changes;
}

/** The settings that make each record's text: one of text_template, message_key, or text_key with its format. */
function textKeys(s: Settings): SettingKey[] {
  if (s.text_template !== undefined) return ['text_template'];
  if (s.message_key !== undefined) return ['message_key'];
  return s.format === 'text' ? ['text_key'] : ['text_key', 'format', 'roles', 'turns'];
}

/** Key paths and the template parse, and no two ways of making the text are given at once; checked before old outputs go. */
function checkTextSettings(s: Settings): void {
  const ways = [s.text_template !== undefined && flagOf('text_template'), s.message_key !== undefined && flagOf('message_key'), s.format !== 'text' && `${flagOf('format')} ${s.format}`].filter(Boolean);
  if (ways.length > 1) throw new SettingsError(`${ways.join(' and ')} each say how to make the text: give one (a template reads key paths, --message-key one string, --format a turn list at --text-key)`);
  if (s.text_template !== undefined) {
    try {
      parseTextTemplate(s.text_template);
    } catch (e) {
      throw new SettingsError(`${flagOf('text_template')}: ${(e as Error).message}`);
    }
  }
  const [textKey] = textKeys(s);
  const paths: [SettingKey, string | undefined][] = [[textKey, textKey === 'text_template' ? undefined : (s.message_key ?? s.text_key)], ['embedding_column', s.embedding_column], ['id_key', s.id_key]];
  for (const [key, keyPath] of paths) {
    try {
      if (keyPath !== undefined) parseKeyPath(keyPath);
    } catch (e) {
      throw new SettingsError(`${flagOf(key)}: ${(e as Error).message}`);
    }
  }
  if (s.id_unique && s.id_key === undefined) throw new SettingsError(`${flagOf('id_unique')} checks the ids at ${flagOf('id_key')}: give --id-key PATH too`);
}

/** What the embed stage records in manifest.json. */
export const embedStats = z.object({
  lines_read: z.number(),
  rows: z.number(),
  rejected: z.number(),
  rejected_by_reason: z.record(z.string(), z.number()),
  embedded: z.number(),
  duplicates: z.number(),
  parts: z.number(),
  dims: z.number(),
  model: z.string(),
  /** The commit a hub model resolved to (issue 12); pass it back as `revision` to rerun on the same weights. */
  model_revision: z.string().nullable(),
  /** The built-in model's recipe revision (RECIPE_REVISION); absent for other models, and in runs of recipe 2 or earlier. */
  static_recipe: z.number().optional(),
  /** Empty when an input was stdin (it cannot be identified again). */
  inputs: z.array(InputIdentity),
  /** Parts kept from an interrupted attempt instead of being embedded again. */
  resumed_parts: z.number(),
  /** With id_key: records without an id, and records repeating an earlier record's id (flat, so the summary line shows them). */
  user_ids_missing: z.number().optional(),
  user_ids_duplicated: z.number().optional(),
  /** Set when the stage ran as N shards and was merged (mergeShards, pipeline/run/run-stages.ts). */
  shards: z.number().optional(),
  /**
   * A served model (issue 19), over this attempt's requests: tokens as the server's `usage`
   * reported them, inputs it was asked to truncate, inputs refused as too long (rejects),
   * the request size it took and which server it was.
   */
  requests: z.number().optional(),
  prompt_tokens: z.number().optional(),
  total_tokens: z.number().optional(),
  truncated: z.number().optional(),
  too_long: z.number().optional(),
  request_batch_size: z.number().optional(),
  server_kind: z.string().optional(),
  /** total_tokens × cost_per_million_tokens / 10⁶, when that setting is given. */
  estimated_cost: z.number().optional(),
});

export const embedStage: Stage<'embed', typeof embedStats, Embedder | PrecomputedVectors> = {
  name: 'embed',
  command: {
    summary: 'JSONL / Parquet / CSV / TSV → rows + embeddings',
    usage: 'semclust embed INPUT... OUTDIR',
    runs: ['embed'],
    help: `semclust embed INPUT... OUTDIR [FLAGS]
  Reads JSONL (files, globs, .gz, or - for stdin), Parquet, CSV or TSV (by extension;
  a folder such as a Hugging Face dataset reads its data files; hf://datasets/OWNER/NAME/SPLIT
  fetches a hub dataset's Parquet into the hub cache, docs/inputs.md), extracts the text, and
  writes OUTDIR/rows/ and OUTDIR/embeddings/ as Parquet, bad rows to OUTDIR/rejects.jsonl
  (a Parquet/CSV row is its record as JSON, its line its row number). With
  --embedding-column the vectors come from the records and no model runs.

  semclust embed ${SOTU} out/sotu --text-key text
  semclust embed chats.jsonl out/chat --message-key "request.messages[0].content"
  semclust embed sharegpt.jsonl out/sg --format sharegpt --roles user,system --turns all
  semclust embed docs.jsonl out/docs --text-template '{title}\\n\\n{body}' --id-key meta.uid
  cat data/*.jsonl | semclust embed - out/stdin
  semclust embed 'logs/*.jsonl.gz' out/logs --embedding-model sentence-transformers/all-MiniLM-L6-v2
  semclust embed data.jsonl out/llama --embedding-endpoint http://127.0.0.1:8000/v1 \\
      --embedding-model meta-llama/Llama-3.1-8B --max-concurrency 8
  semclust embed 'hf/ultrachat/data/train-*.parquet' out/chat --message-key "messages[0].content"
  semclust embed hf://datasets/PolyAI/banking77/train out/b77
  semclust embed prompts.csv out/csv --text-key prompt
  semclust embed vectors.parquet out/pre --text-key text --embedding-column embedding
  semclust embed data.jsonl out/big --shard 2/4     (one of 4 shards; then semclust merge out/big)
  --shard I/N (I from 0), or --num-shards N with JOB_COMPLETION_INDEX / AWS_BATCH_JOB_ARRAY_INDEX;
  SLURM_ARRAY_TASK_ID with its count needs neither. See docs/shards.md.`,
  },
  hint: 'SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM rows',
  outputs: [ROWS.path, EMBEDDINGS.path, FILES.rejects, `${PROGRESS_DIR}/embed`],
  stats: embedStats,
  needs: [],
  settings: ['input', 'text_key', 'message_key', 'format', 'roles', 'turns', 'text_template', 'id_key', 'id_unique', 'csv_delimiter', 'max_line_bytes', 'embedding_column', 'embedding_model', 'embedding_endpoint', 'revision', 'dtype', 'device', 'pooling', 'max_length', 'part_rows', 'shard_unit_bytes', 'embedding_prefix', 'prompt_name', 'dimensions', 'truncate', 'tokenizer'],
  // The hub revision and weights file pick the vectors, so they key the stage; the device does
  // not, nor which servers serve the model (adding a server must not re-embed): only that it is served.
  // A prefix, prompt, dimension count or truncation rule changes the vectors or which rows have one;
  // a CSV delimiter, what makes the text (textKeys) and the record's own id change the rows themselves.
  keyed: (s) => [
    'input', ...textKeys(s), ...(s.id_key ? (['id_key', 'id_unique'] as const) : []), 'csv_delimiter', 'max_line_bytes', 'embedding_column', 'embedding_model', 'revision', 'dtype', 'pooling', 'max_length', 'part_rows', 'shard_unit_bytes', 'embedding_prefix',
    ...(s.embedding_endpoint ? (['prompt_name', 'dimensions', 'truncate'] as const) : []),
    ...(s.embedding_endpoint && s.truncate === 'client' ? (['tokenizer'] as const) : []),
  ],
  identity: async (s, outDir, state, given) => {
    if (inputsOf(s).length === 0) throw new Error('no input: give JSONL, Parquet, CSV or TSV files, globs, folders or "-" for stdin');
    checkTextSettings(s);
    // A new built-in recipe gives different vectors, so it must not reuse old embeddings, nor
    // add new parts beside them: it is a change of its own, which no new input can extend.
    // Precomputed vectors do not depend on the built-in recipe or on a server.
    const recipe = staticRecipe(s);
    const key = { static_recipe: recipe ?? null, served: !s.embedding_column && s.embedding_endpoint !== undefined };
    const rec = state.isComplete('embed') ? state.stats('embed') : null;
    const setting = inputsOf(s).map((p) => path.relative(outDir, path.resolve(p)) || '.');
    const sameSetting = JSON.stringify(state.record('embed')?.settings.input) === JSON.stringify(setting);
    const changes = rec ? await inputChanges(s, outDir, rec.inputs, given, sameSetting) : [];
    if (rec && recipe !== undefined && rec.model.startsWith(`${STATIC_MODEL}:`) && rec.static_recipe !== recipe) {
      changes.push({ key: 'built-in model recipe', from: rec.static_recipe ?? '2 or earlier', to: `${recipe} (${RECIPE_CHANGE})` });
    }
    return { key, changes };
  },
  remembered: ['embedding_endpoint'],
  resumable: true,
  // Files added after the inputs it read (a longer list, or new files a folder or glob now
  // matches, sorted after the old) are read on their own, after the kept parts, as a resume
  // reads on after a crash; nothing it read may have changed. Sharded parts are named by unit,
  // so a merged embed is redone instead.
  extends: async (changes, s, outDir, state) => {
    const done = state.stats('embed');
    if (done.inputs.length === 0 || done.parts === 0 || done.shards !== undefined) return false;
    if (!changes.every((c) => c.key === 'input' || (c.key.startsWith('input ') && c.from === 'absent'))) return false;
    const now = statInputs(await resolveInputs(inputsOf(s)), outDir);
    return now.length > done.inputs.length && done.inputs.every((r, i) => now[i].path === r.path && now[i].size === r.size);
  },
  split: embedSplit,

  // A missing model, a wrong endpoint or port fail here, before the old embeddings are removed.
  prepare: async (ctx) => {
    if (ctx.settings.embedding_column) return openPrecomputedVectors(await resolveInputs(inputsOf(ctx.settings)), ctx.settings.embedding_column, ctx.settings.max_line_bytes, ctx.settings.csv_delimiter);
    const modelProgress = ctx.progress('embed: preparing model', 'steps');
    // Local models run in a worker thread; a remote server needs no thread of its own.
    const open = ctx.settings.embedding_endpoint ? openEmbedder : openEmbedderInWorker;
    return open(ctx.settings, { onProgress: (e) => modelProgress.update(e.done, e.total ? e.done / e.total : null) });
  },

  async run(ctx, embedder): Promise<StageStats<'embed'>> {
    if (!('embed' in embedder)) return embedAll(ctx, embedder);
    try {
      return await embedAll(ctx, embedder);
    } finally {
      await embedder.close();
    }
  },
};

async function embedAll(ctx: StageRun, embedder: Embedder | PrecomputedVectors): Promise<StageStats<'embed'>> {
  const s = ctx.settings;
  const sources = await resolveInputs(inputsOf(s));
  const files = statInputs(sources, ctx.outDir);
  const kept = keepEmbedParts({
    outDir: ctx.outDir,
    ledger: ctx.ledger,
    resuming: ctx.resuming,
    sources,
    files,
    restart: () => ctx.state.restart('embed'),
    log: ctx.log,
  });

  const last = kept.checkpoint;
  // A served model's counts at each part's cut, the kept parts' included, for a later resume.
  const usageSince = (base: UsageCounts | undefined) => ('usage' in embedder && embedder.usage ? { usage: addUsage(base, embedder.usage()) } : {});
  const rejects = new RejectCounter(s.max_reject_rate, kept.rejectsFile, last?.rejects);
  let position = last?.position ?? null;
  let digests = last?.digests ?? [];
  const totalBytes = totalInputBytes(sources);
  const progress = ctx.progress('embed', 'rows');
  const totals = await embedStream({
    embedder,
    settings: s,
    sources,
    read: { stdin: ctx.stdin, start: last ? { position: last.position, digests: last.digests } : undefined, unitBytes: s.shard_unit_bytes },
    seen: kept.seen ?? undefined,
    rejects,
    writer: new EmbedPartsWriter({
      outDir: ctx.outDir,
      dims: embedder.dims,
      partRows: s.part_rows,
      rejectsFile: kept.rejectsFile,
      ledger: ctx.ledger,
      start: kept.totals,
      checkpoint: (): Omit<EmbedCheckpoint, keyof typeof kept.totals | 'part'> => ({ position: position!, digests, rejects: rejects.snapshot(), files, ...usageSince(last?.usage) }),
    }),
    reading: (b) => {
      position = b.end;
      digests = b.digests;
    },
    written: (b) => progress.update(rejects.lines, totalBytes ? b.bytesRead / totalBytes : null),
  });
  progress.done(rejects.lines);
  if (kept.parts > 0) ctx.log(`embed: ${kept.parts} parts (${kept.totals.rows.toLocaleString('en-US')} rows) kept from the earlier attempt`);
  // The kept parts' tokens count too: they were embedded, and paid for, before the resume.
  const served = 'usage' in embedder && embedder.usage ? servedStats(withBase(embedder.usage(), last?.usage), s.cost_per_million_tokens, ctx.log) : {};
  const userIds = s.id_key === undefined ? {} : await checkUserIds(ctx.outDir, s.id_key, s.id_unique, ctx.log);
  const fileSources = sources.flatMap((src, i) => (src === STDIN ? [] : [i]));
  const inputs: InputIdentity[] = files.map((f, j) => ({ ...f, xxh3: digests[fileSources[j]] ?? '' }));
  return {
    lines_read: rejects.lines,
    rows: totals.rows,
    rejected: totals.rejected,
    rejected_by_reason: rejects.byReason(),
    embedded: totals.embedded,
    duplicates: totals.rows - totals.embedded,
    parts: totals.parts,
    dims: embedder.dims,
    model: embedder.model,
    // issue 12: the commit a hub model resolved to; pass it back as `revision` to rerun on the same weights.
    model_revision: ('revision' in embedder && embedder.revision) || null,
    ...recipeStats(s),
    inputs,
    resumed_parts: kept.parts,
    ...served,
    ...userIds,
  };
}

/** This attempt's counts on top of what kept parts recorded. */
const withBase = (u: ServedUsage, base: UsageCounts | undefined): ServedUsage => ({ ...u, ...addUsage(base, u) });
