/**
 * The part of a 2-D map worth drawing: the 1st–99th percentile of each axis, widened by a
 * tenth of that span on each side and never beyond the data. Points outside are clamped
 * to the frame's edge and flagged, so one far-away group cannot shrink the rest to a corner.
 *
 * Input: x and y coordinates (Float32Array, one entry per point). Why: the built-in static
 * model gave every text with no known word (Brown-corpus fragments such as `6)` or `) 3.`)
 * one or two shared vectors (their characters' vectors now, still a group of their own), and
 * UMAP puts that group far from everything; framed on min/max,
 * the real cloud filled a third of the canvas in one corner (issue 22). Robust framing on
 * quantiles is what plotting tools do for heavy tails (e.g. matplotlib users' `np.percentile`
 * limits; Embedding Atlas fits its view to the density, not the extremes).
 */

export interface MapFrame {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** Share of the points left out at each end of an axis before widening. */
export const FRAME_TAIL = 0.01;
/** Widening on each side, as a share of the percentile span: a Gaussian axis keeps ±2.8σ (0.5% clamped). */
export const FRAME_PAD = 0.1;

function axisRange(v: Float32Array): [number, number] {
  if (v.length === 0) return [0, 1];
  const s = Float32Array.from(v).sort();
  const lo = s[Math.floor(FRAME_TAIL * (s.length - 1))];
  const hi = s[Math.ceil((1 - FRAME_TAIL) * (s.length - 1))];
  const pad = (hi - lo) * FRAME_PAD;
  return [Math.max(s[0], lo - pad), Math.min(s[s.length - 1], hi + pad)];
}

export function mapFrame(x: Float32Array, y: Float32Array): MapFrame {
  const [minX, maxX] = axisRange(x);
  const [minY, maxY] = axisRange(y);
  return { minX, maxX, minY, maxY };
}

/** Clamps x and y into the frame in place; returns 1 for each point that was outside. */
export function clampToFrame(x: Float32Array, y: Float32Array, f: MapFrame): Uint8Array {
  const outside = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const cx = Math.min(f.maxX, Math.max(f.minX, x[i]));
    const cy = Math.min(f.maxY, Math.max(f.minY, y[i]));
    if (cx !== x[i] || cy !== y[i]) outside[i] = 1;
    x[i] = cx;
    y[i] = cy;
  }
  return outside;
}
