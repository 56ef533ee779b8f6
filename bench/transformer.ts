/**
 * npm run bench:transformer — the ONNX transformer path against PyTorch fp32, which is what
 * users run today through sentence-transformers. One seeded model with all-MiniLM-L6-v2's
 * shape (6 layers, hidden 384, 12 heads, intermediate 1536, vocabulary 30,522; texts up to 256
 * tokens) is written as a Transformers.js-layout folder (onnx/model.onnx, and
 * onnx/model_quantized.onnx from core/onnx/quantize-dynamic.ts) and its weights exported to a
 * PyTorch module of the same architecture (bench/peers/bert_torch.py, Debian's python3-torch
 * under /usr/bin/python3). Both embed the same token ids in the same batches: the length groups
 * the ONNX-folder embedder forms for one embed() call (core/text/length-groups.ts; SENTENCES defaults
 * to the embed stage's 512 texts per call), mean pooling + L2 norm, at one thread and at default
 * threads. Prints sentences/s, ratios to PyTorch fp32, the max abs difference of fp32 vectors,
 * and for q8 the mean and worst cosine similarity to the fp32 vectors. Then the same texts in
 * the embedder's previous groups (token budget only) and in sentence-transformers' batches
 * (sorted, BATCH rows), and onnxruntime's optimisation levels and thread spinning.
 *
 *   npm run bench:transformer [-- SENTENCES [BATCH]]     (defaults 512 and 32)
 *
 * Without python3-torch (apt-get update && apt-get install -y python3-torch) the ONNX figures
 * are printed alone.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from '../core/onnx/session-options.js';
import { bertEncoderGraph, bertParameters, MINILM_L6, randomBertWeights } from '../core/onnx/bert-encoder-graph.js';
import { encodeModel } from '../core/onnx/model.js';
import { quantizeDynamic } from '../core/onnx/quantize-dynamic.js';
import { meanPool } from '../core/embedding/pooling.js';
import { createRng } from '../core/util/random.js';
import { EMBEDDER_GROUPS, lengthGroups } from '../core/text/length-groups.js';
import { normalizeRows } from '../core/util/rows.js';
import { peerBlas } from './peer-blas.js';

const SENTENCES = Number(process.argv[2] ?? 512);
const BATCH = Number(process.argv[3] ?? 32);
const MAX_LENGTH = 256;
const here = path.dirname(fileURLToPath(import.meta.url));
const work = path.join(os.tmpdir(), 'semclust-bench-transformer');
const modelDir = path.join(work, 'all-MiniLM-L6-v2-shaped');
const config = MINILM_L6;

interface Batch {
  rows: number;
  seq: number;
  ids: number[];
  mask: number[];
}

/**
 * Token ids of a sentence-length mix: [CLS] + 6–250 content tokens + [SEP], lengths log-normal
 * around 24 (short prompts and questions, a tail of paragraphs), sorted longest first as
 * both sentence-transformers' encode() and the embedder do.
 */
function makeTexts(n: number): number[][] {
  const rng = createRng(7);
  const lengths = Array.from({ length: n }, () => Math.min(MAX_LENGTH - 2, Math.max(6, Math.round(Math.exp(Math.log(24) + 0.7 * rng.gaussian())))));
  lengths.sort((a, b) => b - a);
  return lengths.map((len) => [101, ...Array.from({ length: len }, () => 1000 + Math.floor(rng.next() * (config.vocab - 1000))), 102]);
}

/** Padded batches of the texts, one per group of text indices (each group longest first). */
function padBatches(texts: number[][], groups: ArrayLike<number>[]): Batch[] {
  return groups.map((group) => {
    const seq = texts[group[0]].length;
    const ids: number[] = [];
    const mask: number[] = [];
    for (const i of Array.from(group)) {
      for (let t = 0; t < seq; t++) {
        ids.push(t < texts[i].length ? texts[i][t] : 0);
        mask.push(t < texts[i].length ? 1 : 0);
      }
    }
    return { rows: group.length, seq, ids, mask };
  });
}

/** sentence-transformers' encode(): sorted longest first, then `batch` rows at a time. */
function fixedGroups(n: number, batch: number): number[][] {
  const groups: number[][] = [];
  for (let s = 0; s < n; s += batch) groups.push(Array.from({ length: Math.min(batch, n - s) }, (_, k) => s + k));
  return groups;
}

interface Run {
  seconds: number;
  /** CPU time of the process over the timed pass: at one thread, a figure that load from other processes disturbs less. */
  cpuSeconds: number;
  vectors: Float32Array;
}

async function runOnnx(file: string, batches: Batch[], options: ort.InferenceSession.SessionOptions): Promise<Run> {
  // The project's options (core/onnx/session-options.ts: spinning off), then the row's own.
  const session = await ort.InferenceSession.create(file, { ...sessionOptions(), ...options });
  const hidden = config.hidden;
  const feeds = batches.map((b) => {
    const dims = [b.rows, b.seq];
    const all: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(b.ids, BigInt), dims),
      attention_mask: new ort.Tensor('int64', BigInt64Array.from(b.mask, BigInt), dims),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(b.rows * b.seq), dims),
    };
    // torch.onnx.export drops token_type_ids when the module never reads it.
    return Object.fromEntries(session.inputNames.map((name) => [name, all[name]]));
  });
  await session.run(feeds[0]);
  const vectors = new Float32Array(batches.reduce((s, b) => s + b.rows, 0) * hidden);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let row = 0;
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i];
    const out = (await session.run(feeds[i])).last_hidden_state.data as Float32Array;
    meanPool(out, Uint8Array.from(b.mask), b.rows, b.seq, hidden, vectors.subarray(row * hidden, (row + b.rows) * hidden));
    row += b.rows;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  await session.release();
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, vectors: normalizeRows(vectors, hidden) };
}

function runTorch(threads: number | 'default', batchesFile = 'batches.json'): (Run & { threads: number; cpuSeconds: number }) | string {
  const out = path.join(work, `torch-${threads}.f32`);
  console.log(`  ${peerBlas().line}`);
  const r = spawnSync('/usr/bin/python3', [path.join(here, '..', '..', 'bench', 'peers', 'bert_torch.py'), path.join(work, 'weights.json'), path.join(work, 'weights.bin'), path.join(work, batchesFile), String(threads), out], {
    env: peerBlas().env,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return (r.stderr || r.error?.message || 'failed').trim().split('\n').slice(-1)[0];
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; cpu_seconds: number; threads: number };
  const bytes = fs.readFileSync(out);
  return { seconds: res.seconds, cpuSeconds: res.cpu_seconds, threads: res.threads, vectors: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Mean and worst cosine similarity of matching unit rows. */
function cosines(a: Float32Array, b: Float32Array, dims: number): { mean: number; worst: number } {
  let sum = 0;
  let worst = 1;
  const n = a.length / dims;
  for (let r = 0; r < n; r++) {
    let dot = 0;
    for (let j = 0; j < dims; j++) dot += a[r * dims + j] * b[r * dims + j];
    sum += dot;
    worst = Math.min(worst, dot);
  }
  return { mean: sum / n, worst };
}

/** How many nodes of each op type an (optimised) ONNX file holds: NodeProto.op_type is field 4. */
function opCounts(file: string, ops: readonly string[]): string {
  const bytes = fs.readFileSync(file);
  const counts = ops.map((op) => {
    const needle = Buffer.from([0x22, op.length, ...Buffer.from(op)]);
    let count = 0;
    for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) count++;
    return [op, count] as const;
  });
  return counts.filter(([, c]) => c > 0).map(([op, c]) => `${op} ${c}`).join(', ');
}

const FUSED_OPS = [
  'Attention', 'MultiHeadAttention', 'SkipLayerNormalization', 'EmbedLayerNormalization', 'BiasGelu', 'Gelu', 'FastGelu',
  'FusedMatMul', 'MatMul', 'DynamicQuantizeMatMul', 'MatMulIntegerToFloat', 'MatMulInteger', 'LayerNormalization', 'Softmax',
];

async function main(): Promise<void> {
  fs.mkdirSync(path.join(modelDir, 'onnx'), { recursive: true });
  const weights = randomBertWeights(config, createRng(12));
  const graph = bertEncoderGraph(weights);
  const fp32File = path.join(modelDir, 'onnx', 'model.onnx');
  const q8File = path.join(modelDir, 'onnx', 'model_quantized.onnx');
  fs.writeFileSync(fp32File, encodeModel(graph));
  fs.writeFileSync(q8File, encodeModel(quantizeDynamic(graph)));
  writeFolderFiles();

  // Weights for the PyTorch peer: one raw float32 file and a manifest of names, shapes, offsets.
  const params = bertParameters(weights);
  let offset = 0;
  const manifest = { config, tensors: params.map((p) => ({ name: p.name, dims: p.dims, linear: p.linear, offset: (offset += p.data.length) - p.data.length })) };
  const fd = fs.openSync(path.join(work, 'weights.bin'), 'w');
  for (const p of params) fs.writeSync(fd, new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
  fs.closeSync(fd);
  fs.writeFileSync(path.join(work, 'weights.json'), JSON.stringify(manifest));
  // The same module through torch.onnx.export, the graph an optimum export gives users.
  const exportFile = path.join(work, 'torch-export-opset14.onnx');
  const exported = spawnSync('/usr/bin/python3', [path.join(here, '..', '..', 'bench', 'peers', 'bert_torch_export.py'), path.join(work, 'weights.json'), path.join(work, 'weights.bin'), '14', exportFile], { encoding: 'utf8' });
  const exportError = exported.status === 0 ? null : (exported.stderr || exported.error?.message || 'failed').trim().split('\n').slice(-1)[0];

  const texts = makeTexts(SENTENCES);
  const lengths = texts.map((t) => t.length);
  const batches = padBatches(texts, lengthGroups(lengths));
  const budgetOnly = padBatches(texts, lengthGroups(lengths, { tokensPerRun: EMBEDDER_GROUPS.tokensPerRun, maxPadShare: Infinity }));
  const fixed = padBatches(texts, fixedGroups(SENTENCES, BATCH));
  fs.writeFileSync(path.join(work, 'batches.json'), JSON.stringify({ batches }));
  fs.writeFileSync(path.join(work, 'batches-fixed.json'), JSON.stringify({ batches: fixed }));
  const tokens = lengths.reduce((s, l) => s + l, 0);
  const paddedOf = (bs: Batch[]): number => bs.reduce((s, b) => s + b.rows * b.seq, 0);
  const padded = paddedOf(batches);

  console.log(`bench:transformer — all-MiniLM-L6-v2 shape (${config.layers} layers, hidden ${config.hidden}, ${config.heads} heads, intermediate ${config.intermediate}, vocab ${config.vocab}), seeded weights`);
  console.log(`${SENTENCES} sentences, ${tokens} tokens, max length ${MAX_LENGTH}; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}; onnxruntime-node ${ort.env.versions.common}`);
  console.log(`the embedder's length groups (≤ ${EMBEDDER_GROUPS.tokensPerRun} padded tokens, padding ≤ ${EMBEDDER_GROUPS.maxPadShare * 100}%): ${batches.length} batches of ${batches.map((b) => b.rows).join(', ')} rows, ${padded} tokens with padding`);
  console.log(`model folder (Transformers.js layout): ${modelDir}`);

  const rate = (r: Run): number => SENTENCES / r.seconds;
  const fmt = (r: Run): string => `${rate(r).toFixed(1).padStart(7)} sentences/s (${r.seconds.toFixed(2)} s, CPU ${r.cpuSeconds.toFixed(2)} s)`;
  for (const threads of [1, 'default'] as const) {
    const torch = runTorch(threads);
    const options = sessionOptions(threads === 1 ? 1 : undefined);
    const fp32 = await runOnnx(fp32File, batches, options);
    const q8 = await runOnnx(q8File, batches, options);
    const viaTorch = exportError ? null : await runOnnx(exportFile, batches, options);
    console.log(`\n${threads === 1 ? 'one thread' : `default threads (onnxruntime: one per core${typeof torch === 'string' ? '' : `; PyTorch chose ${torch.threads}`})`}:`);
    if (typeof torch === 'string') console.log(`  PyTorch fp32: not run (${torch}); apt-get update && apt-get install -y python3-torch`);
    else console.log(`  PyTorch fp32        ${fmt(torch)}, ${(torch.cpuSeconds / torch.seconds).toFixed(2)} cores busy`);
    const vsTorch = (r: Run): string =>
      typeof torch === 'string' ? '' : `  ${(rate(r) / rate(torch)).toFixed(2)}× PyTorch fp32${threads === 1 ? ` (CPU time: ${(torch.cpuSeconds / r.cpuSeconds).toFixed(2)}×)` : ''}`;
    console.log(`  semclust ONNX fp32  ${fmt(fp32)}${vsTorch(fp32)} (goal ≥ 1.5×)${typeof torch === 'string' ? '' : `; max abs diff of vectors ${maxAbsDiff(fp32.vectors, torch.vectors).toExponential(2)}`}`);
    const cos = cosines(q8.vectors, fp32.vectors, config.hidden);
    if (viaTorch) console.log(`  torch.onnx.export   ${fmt(viaTorch)}${vsTorch(viaTorch)}; max abs diff of vectors to the built graph ${maxAbsDiff(viaTorch.vectors, fp32.vectors).toExponential(2)}`);
    else console.log(`  torch.onnx.export: not run (${exportError})`);
    console.log(`  semclust ONNX q8    ${fmt(q8)}${vsTorch(q8)} (goal ≥ 3×); cosine to fp32 vectors mean ${cos.mean.toFixed(5)}, worst ${cos.worst.toFixed(5)}`);
  }

  // The same texts in other batches, fp32 at default threads.
  console.log('\nbatching, fp32, default threads (sentences/s):');
  const grouped = await runOnnx(fp32File, batches, sessionOptions());
  console.log(`  embedder's length groups (above)           ${paddedOf(batches).toString().padStart(6)} padded tokens  ONNX ${rate(grouped).toFixed(1).padStart(7)}`);
  const previous = await runOnnx(fp32File, budgetOnly, sessionOptions());
  console.log(`  token budget alone (the embedder before)   ${paddedOf(budgetOnly).toString().padStart(6)} padded tokens  ONNX ${rate(previous).toFixed(1).padStart(7)}  (${(rate(grouped) / rate(previous)).toFixed(2)}× slower than the groups)`);
  const torchFixed = runTorch('default', 'batches-fixed.json');
  const onnxFixed = await runOnnx(fp32File, fixed, sessionOptions());
  console.log(
    `  sentence-transformers' ${BATCH}-row batches      ${paddedOf(fixed).toString().padStart(6)} padded tokens  ONNX ${rate(onnxFixed).toFixed(1).padStart(7)}` +
      (typeof torchFixed === 'string' ? '' : `  PyTorch ${rate(torchFixed).toFixed(1)}  (${(rate(onnxFixed) / rate(torchFixed)).toFixed(2)}×; embedder's groups vs these PyTorch batches ${(rate(grouped) / rate(torchFixed)).toFixed(2)}×)`),
  );

  console.log('\nonnxruntime settings, fp32 and q8 (sentences/s):');
  const settings: [string, ort.InferenceSession.SessionOptions][] = [
    ['1 thread, optimisation disabled', { intraOpNumThreads: 1, graphOptimizationLevel: 'disabled' }],
    ['1 thread, basic', { intraOpNumThreads: 1, graphOptimizationLevel: 'basic' }],
    ['1 thread, extended', { intraOpNumThreads: 1, graphOptimizationLevel: 'extended' }],
    ['1 thread, all', { intraOpNumThreads: 1, graphOptimizationLevel: 'all' }],
    ['default threads, all, spinning on', { intraOpNumThreads: 0, graphOptimizationLevel: 'all', extra: { session: { intra_op: { allow_spinning: '1' } } } }],
    ['default threads, all, spinning off', { intraOpNumThreads: 0, graphOptimizationLevel: 'all', extra: { session: { intra_op: { allow_spinning: '0' } } } }],
  ];
  for (const [label, options] of settings) {
    const a = await runOnnx(fp32File, batches, options);
    const b = await runOnnx(q8File, batches, options);
    console.log(`  ${label.padEnd(36)} fp32 ${rate(a).toFixed(1).padStart(7)}   q8 ${rate(b).toFixed(1).padStart(7)}`);
  }
  const optimisedFiles: [string, string][] = [['fp32', fp32File], ['q8', q8File]];
  if (!exportError) optimisedFiles.push(['torch.onnx.export fp32', exportFile]);
  for (const [label, file] of optimisedFiles) {
    const optimized = path.join(work, `optimized-${label.replace(/\W+/g, '-')}.onnx`);
    const s = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, graphOptimizationLevel: 'all', optimizedModelFilePath: optimized });
    await s.release();
    console.log(`  ops after optimisation 'all', ${label}: ${opCounts(optimized, FUSED_OPS)}`);
  }
}

/** tokenizer.json (WordPiece over a generated 30,522-entry vocabulary) and the configs beside the graphs. */
function writeFolderFiles(): void {
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const vocab: Record<string, number> = {};
  for (let i = 0; i < config.vocab; i++) vocab[i === 0 ? '[PAD]' : i === 100 ? '[UNK]' : i === 101 ? '[CLS]' : i === 102 ? '[SEP]' : i === 103 ? '[MASK]' : `w${i}`] = i;
  const special = (content: string) => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const cls = { SpecialToken: { id: '[CLS]', type_id: 0 } };
  const sep = { SpecialToken: { id: '[SEP]', type_id: 0 } };
  const json = (rel: string, value: unknown): void => {
    fs.mkdirSync(path.dirname(path.join(modelDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(modelDir, rel), JSON.stringify(value));
  };
  json('tokenizer.json', {
    version: '1.0', truncation: null, padding: null,
    added_tokens: specials.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing', single: [cls, { Sequence: { id: 'A', type_id: 0 } }, sep], pair: [cls, { Sequence: { id: 'A', type_id: 0 } }, sep, { Sequence: { id: 'B', type_id: 1 } }, sep],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [101], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [102], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  });
  json('tokenizer_config.json', { do_lower_case: true, model_max_length: 512, pad_token: '[PAD]', cls_token: '[CLS]', sep_token: '[SEP]', unk_token: '[UNK]', mask_token: '[MASK]' });
  json('config.json', {
    model_type: 'bert', hidden_size: config.hidden, num_hidden_layers: config.layers, num_attention_heads: config.heads,
    intermediate_size: config.intermediate, vocab_size: config.vocab, max_position_embeddings: config.maxPositions,
    type_vocab_size: config.typeVocab, layer_norm_eps: config.epsilon, hidden_act: 'gelu', pad_token_id: 0,
  });
  json('sentence_bert_config.json', { max_seq_length: MAX_LENGTH, do_lower_case: false });
  json('1_Pooling/config.json', { word_embedding_dimension: config.hidden, pooling_mode_cls_token: false, pooling_mode_mean_tokens: true, pooling_mode_max_tokens: false, pooling_mode_mean_sqrt_len_tokens: false });
}

await main();
