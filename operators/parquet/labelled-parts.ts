/**
 * The run's parts side by side: labels/part-N with the texts of its ids from rows/part-N.
 * embed writes an id's first row and its embedding into the same part number, and infer
 * writes labels/part-N from embeddings/part-N, so each labelled id finds its text in the
 * rows part of the same number. Memory holds one part.
 */
import path from 'node:path';
import { LABELS, ROWS } from '../../schemas/tables.js';
import { int32sOf, listParts, readParquet, stringsOf } from './parquet.js';

export interface LabelledPart {
  index: number;
  ids: string[];
  clusters: Int32Array;
  /** The text of each id (aligned with `ids`). */
  texts: string[];
}

/** Every part in order, or (given `only`) just those part numbers. */
export function* labelledParts(outDir: string, only?: ReadonlySet<number>): Generator<LabelledPart> {
  const labelFiles = listParts(path.join(outDir, LABELS.path));
  const rowFiles = listParts(path.join(outDir, ROWS.path));
  if (labelFiles.length === 0) throw new Error(`${outDir} has no labels: run semclust infer first`);
  if (rowFiles.length !== labelFiles.length) {
    throw new Error(`${outDir}: ${rowFiles.length} rows parts but ${labelFiles.length} labels parts; rerun semclust infer`);
  }
  for (let p = 0; p < labelFiles.length; p++) {
    if (only && !only.has(p)) continue;
    const labels = readParquet(labelFiles[p], [LABELS.col.id, LABELS.col.cluster]);
    const ids = stringsOf(labels, LABELS.col.id);
    const rows = readParquet(rowFiles[p], [ROWS.col.id, ROWS.col.text]);
    const rowIds = stringsOf(rows, ROWS.col.id);
    const rowTexts = stringsOf(rows, ROWS.col.text);
    const textOf = new Map<string, string>();
    for (let i = 0; i < rowIds.length; i++) if (!textOf.has(rowIds[i])) textOf.set(rowIds[i], rowTexts[i]);
    const texts = ids.map((id) => {
      const t = textOf.get(id);
      if (t === undefined) throw new Error(`${labelFiles[p]}: id ${id} has no row in ${rowFiles[p]}; the run folder is inconsistent, rerun from embed`);
      return t;
    });
    yield { index: p, ids, clusters: int32sOf(labels, LABELS.col.cluster), texts };
  }
}
