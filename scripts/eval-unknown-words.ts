/**
 * What the built-in model gives the texts with no known word but punctuation (issue 22 item 3),
 * against the graph alone (recipe 2): 2,000 SOTU passages (the demo corpus) and 200 Brown-style
 * fragments (`6)`, `) 3.`, `(b)`, `--`, `§ 12`: no letter alone is in its vocabulary). Printed for
 * each: how many distinct vectors the fragments' distinct texts get, and for how many fragments
 * the nearest fragment of another text is nearer than the nearest passage (cosine, mean of both).
 * Then Banking77, when it is there: how many of its 13,083 vectors differ from the graph's.
 *
 *   npm run eval:unknown-words
 */
import fs from 'node:fs';
import { openStaticModel, type StaticModel } from '../operators/embedders/static-model.js';
import { sotuPassages } from './sotu-corpus.js';
import { banking77Dir } from './banking77-data.js';

const DIMS = 100;

/** The graph's vectors (recipe 2: no characters' vector), in the order of `texts`. */
async function graphVectors(model: StaticModel, texts: string[]): Promise<Float32Array> {
  const out = new Float32Array(texts.length * DIMS);
  const { batches, order } = model.tokenizeBuckets(texts);
  let k = 0;
  for (const b of batches) {
    const v = await model.runTokenized(b);
    for (let r = 0; r < b.batch; r++) out.set(v.subarray(r * DIMS, (r + 1) * DIMS), order[k + r] * DIMS);
    k += b.batch;
  }
  return out;
}

function fragmentFigures(vectors: Float32Array, texts: string[], first: number): string {
  const cos = (i: number, j: number) => {
    let c = 0;
    for (let d = 0; d < DIMS; d++) c += vectors[i * DIMS + d] * vectors[j * DIMS + d];
    return c;
  };
  const distinct = new Set<string>();
  let nearer = 0;
  let toFragment = 0;
  let toPassage = 0;
  for (let i = first; i < texts.length; i++) {
    distinct.add(vectors.subarray(i * DIMS, (i + 1) * DIMS).join());
    let f = -1;
    let p = -1;
    for (let j = 0; j < texts.length; j++) {
      if (j < first) p = Math.max(p, cos(i, j));
      else if (texts[j] !== texts[i]) f = Math.max(f, cos(i, j));
    }
    if (f > p) nearer++;
    toFragment += f;
    toPassage += p;
  }
  const n = texts.length - first;
  return (
    `${distinct.size} distinct vectors for ${new Set(texts.slice(first)).size} distinct texts; ` +
    `another text's fragment nearer than any passage for ${nearer} of ${n}; mean cosine to it ${(toFragment / n).toFixed(3)}, to the nearest passage ${(toPassage / n).toFixed(3)}`
  );
}

const model = await openStaticModel();
try {
  const all = [...sotuPassages()];
  const passages = Array.from({ length: 2000 }, (_, i) => all[Math.floor((i * all.length) / 2000)].text);
  const fragments = Array.from({ length: 200 }, (_, i) => [`${(i % 40) + 1})`, `) ${(i % 40) + 1}.`, `(${String.fromCharCode(97 + (i % 26))})`, '--', `§ ${i % 30}`][i % 5]);
  const texts = [...passages, ...fragments];
  console.log(`${passages.length} SOTU passages + ${fragments.length} fragments, built-in model (${model.model})`);
  console.log(`  graph alone (recipe 2): ${fragmentFigures(await graphVectors(model, texts), texts, passages.length)}`);
  console.log(`  embed (recipe 3):       ${fragmentFigures(await model.embed(texts), texts, passages.length)}`);
  const b77 = `${banking77Dir()}/banking77.jsonl`;
  if (fs.existsSync(b77)) {
    const rows = fs.readFileSync(b77, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
    const [got, graph] = [await model.embed(rows), await graphVectors(model, rows)];
    let differ = 0;
    for (let i = 0; i < rows.length; i++) if (got.subarray(i * DIMS, (i + 1) * DIMS).some((x, d) => x !== graph[i * DIMS + d])) differ++;
    console.log(`Banking77: ${differ} of ${rows.length} vectors differ from the graph's (rows with a known word keep it bit for bit)`);
  } else {
    console.log(`Banking77: not at ${b77}, skipped (scripts/banking77-data.ts says how to get it)`);
  }
} finally {
  await model.close();
}
