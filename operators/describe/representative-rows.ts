/**
 * The rows nearest each cluster's centre in embedding space: one pass over embeddings/ +
 * labels/ sums every cluster's members (the centre is their mean, so it exists in
 * embedding space also when clustering ran in UMAP space), a second keeps each cluster's
 * `count` rows of highest cosine to the centre, a third fetches their texts. Memory: the
 * clusters × dims sums and one part.
 */
import path from 'node:path';
import { LABELS, ROWS } from '../../schemas/tables.js';
import { int32sOf, listParts, readParquet, stringsOf } from '../parquet/parquet.js';
import { embeddingPartFiles, readEmbeddingPart } from '../parquet/read-embeddings.js';

export interface Representatives {
  ids: string[][];
  texts: string[][];
}

function* partsWithLabels(outDir: string) {
  const embedFiles = embeddingPartFiles(outDir);
  const labelFiles = listParts(path.join(outDir, LABELS.path));
  if (labelFiles.length !== embedFiles.length) throw new Error(`${outDir}: ${labelFiles.length} labels parts for ${embedFiles.length} embeddings parts; rerun semclust infer`);
  for (let p = 0; p < embedFiles.length; p++) {
    const emb = readEmbeddingPart(embedFiles[p], p);
    yield { emb, clusters: int32sOf(readParquet(labelFiles[p], [LABELS.col.cluster]), LABELS.col.cluster) };
  }
}

export function representativeRows(outDir: string, clusters: number, count: number): Representatives {
  let dims = 0;
  let sums = new Float64Array(0);
  for (const { emb, clusters: labels } of partsWithLabels(outDir)) {
    if (dims === 0) {
      dims = emb.dims;
      sums = new Float64Array(clusters * dims);
    }
    for (let i = 0; i < emb.rows; i++) {
      const c = labels[i];
      if (c < 0 || c >= clusters) continue;
      for (let j = 0; j < dims; j++) sums[c * dims + j] += emb.values[i * dims + j];
    }
  }
  // Unit centres: the rows are unit vectors, so the dot product is the cosine.
  for (let c = 0; c < clusters; c++) {
    let n = 0;
    for (let j = 0; j < dims; j++) n += sums[c * dims + j] ** 2;
    const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
    for (let j = 0; j < dims; j++) sums[c * dims + j] *= inv;
  }
  // Per cluster, the best `count` (cosine, id) so far, kept sorted best first.
  const best: { cos: number; id: string }[][] = Array.from({ length: clusters }, () => []);
  for (const { emb, clusters: labels } of partsWithLabels(outDir)) {
    for (let i = 0; i < emb.rows; i++) {
      const c = labels[i];
      if (c < 0 || c >= clusters) continue;
      let cos = 0;
      for (let j = 0; j < dims; j++) cos += sums[c * dims + j] * emb.values[i * dims + j];
      const list = best[c];
      if (list.length === count && cos <= list[count - 1].cos) continue;
      let at = list.length;
      while (at > 0 && list[at - 1].cos < cos) at--;
      list.splice(at, 0, { cos, id: emb.ids[i] });
      if (list.length > count) list.pop();
    }
  }
  const wanted = new Map<string, string | null>();
  for (const list of best) for (const r of list) wanted.set(r.id, null);
  let missing = wanted.size;
  for (const file of listParts(path.join(outDir, ROWS.path))) {
    if (missing === 0) break;
    const t = readParquet(file, [ROWS.col.id, ROWS.col.text]);
    const ids = stringsOf(t, ROWS.col.id);
    const texts = t.getChild(ROWS.col.text)!;
    for (let i = 0; i < ids.length; i++) {
      if (wanted.get(ids[i]) === null) {
        wanted.set(ids[i], texts.get(i) as string);
        missing--;
      }
    }
  }
  return { ids: best.map((l) => l.map((r) => r.id)), texts: best.map((l) => l.map((r) => wanted.get(r.id) ?? '')) };
}
