/**
 * A facet of the map: one field of the records (`--facet genre`) turned into a legend of its
 * most frequent values, a code per point and a colour per value, with how many rows of the
 * whole population and of the sample hold each value (the coverage shift the report shows).
 *
 * Input: the field's value for each drawn point (string, or null when the record lacks it),
 * the drawn points' sample flags, and the weight of a drawn unsampled point: the map keeps
 * every sampled row and a uniform subsample of the others, so a drawn unsampled point
 * stands for (rows − sampled) / (drawn − sampled) rows (Horvitz–Thompson), 1 when all rows are drawn.
 */
import { distinctColours } from './cluster-palette.js';

/** Values named in the legend; the rest share "(other)". Twelve keep the colours apart. */
export const FACET_TOP = 12;
export const OTHER = '(other)';
export const MISSING = '(missing)';

export interface FacetLegend {
  /** Legend entries, most rows first, then "(other)" and "(missing)" when present. */
  values: string[];
  /** Rows of the population with each value (estimated when the map is a subsample). */
  rows: number[];
  /** Sampled rows with each value (exact: every sampled row is drawn). */
  sampled: number[];
  /** The legend index of each drawn point. */
  codes: Uint8Array;
  /** RGB bytes, three per legend entry. */
  rgb: Uint8Array;
}

export function facetLegend(values: readonly (string | null)[], picked: Uint8Array, unpickedWeight: number): FacetLegend {
  const weight = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const w = picked[i] ? 1 : unpickedWeight;
    const v = values[i];
    if (v === null) missing += w;
    else weight.set(v, (weight.get(v) ?? 0) + w);
  }
  const ranked = [...weight].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const named = ranked.slice(0, FACET_TOP).map(([v]) => v);
  const entries = [...named];
  if (ranked.length > FACET_TOP) entries.push(OTHER);
  if (missing > 0) entries.push(MISSING);
  const index = new Map(named.map((v, j) => [v, j]));
  const codes = new Uint8Array(values.length);
  const rows = new Array<number>(entries.length).fill(0);
  const sampled = new Array<number>(entries.length).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const j = v === null ? entries.length - 1 : (index.get(v) ?? named.length);
    codes[i] = j;
    rows[j] += picked[i] ? 1 : unpickedWeight;
    sampled[j] += picked[i];
  }
  const candidates = distinctColours(FACET_TOP);
  const rgb = new Uint8Array(entries.length * 3);
  entries.forEach((v, j) => rgb.set(v === OTHER ? [120, 120, 120] : v === MISSING ? [190, 190, 190] : candidates[j], j * 3));
  return { values: entries, rows: rows.map(Math.round), sampled, codes, rgb };
}
