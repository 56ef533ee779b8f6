/**
 * Cluster colours in which neighbours on the map differ: a greedy colouring of the graph
 * of each cluster's nearest map centres, over a fixed set of candidate colours, each
 * cluster taking the candidate farthest (CIE76 ΔE in CIELAB) from the colours its
 * neighbours already have, unused candidates first.
 *
 * Input: each cluster's map centre (cx, cy: Float32Array indexed by cluster id; NaN for an
 * id with no points). Output: RGB bytes, three per cluster id. Why: the golden-angle hue of
 * the cluster id alone gave near-identical greens and purples side by side on the 80-cluster
 * SOTU map (issue 22), because ids say nothing about where clusters land; the candidates walk
 * the golden angle in hue and cycle three lightness levels, so they stay apart after 48
 * (the CIELAB formulas are the CIE's, sRGB under D65).
 */

/** Candidates: enough for every cluster of a small map to have its own colour. */
export const PALETTE_SIZE = 48;
/** Nearest centres each cluster is kept apart from (both directions). */
export const PALETTE_NEIGHBOURS = 6;

const LIGHTNESS = [0.45, 0.62, 0.32];

export function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (k: number) => {
    const t = (k + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(t - 3, 9 - t, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** sRGB bytes → CIELAB (D65). */
export function rgbToLab(r: number, g: number, b: number): [number, number, number] {
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const X = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const Y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const Z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
}

export const deltaE = (a: readonly number[], b: readonly number[]): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** The candidate colours: golden-angle hues, lightness cycling dark/mid/light. */
export function paletteCandidates(): [number, number, number][] {
  return Array.from({ length: PALETTE_SIZE }, (_, j) => hslToRgb((j * 137.508) % 360, 0.72, LIGHTNESS[j % LIGHTNESS.length]));
}

/** `k` candidates chosen one at a time, each the farthest (min ΔE) from those already chosen: colours for categories. */
export function distinctColours(k: number): [number, number, number][] {
  const candidates = paletteCandidates();
  const lab = candidates.map((c) => rgbToLab(...c));
  const chosen = [0];
  while (chosen.length < Math.min(k, candidates.length)) {
    let best = -1, bestScore = -1;
    for (let j = 0; j < candidates.length; j++) {
      if (chosen.includes(j)) continue;
      const score = Math.min(...chosen.map((c) => deltaE(lab[j], lab[c])));
      if (score > bestScore) {
        bestScore = score;
        best = j;
      }
    }
    chosen.push(best);
  }
  return chosen.map((j) => candidates[j]);
}

/** Each present cluster's `k` nearest other centres, made symmetric (O(clusters² · k): 0.1 s at 10,000 clusters). */
export function centreNeighbours(cx: Float32Array, cy: Float32Array, k: number): number[][] {
  const ids = [...cx.keys()].filter((c) => Number.isFinite(cx[c]) && Number.isFinite(cy[c]));
  const out: Set<number>[] = Array.from({ length: cx.length }, () => new Set<number>());
  const nearD = new Float64Array(k), nearI = new Int32Array(k);
  for (const a of ids) {
    nearD.fill(Infinity);
    nearI.fill(-1);
    for (const b of ids) {
      if (b === a) continue;
      const d = (cx[b] - cx[a]) ** 2 + (cy[b] - cy[a]) ** 2;
      if (d >= nearD[k - 1]) continue;
      let j = k - 1;
      for (; j > 0 && nearD[j - 1] > d; j--) {
        nearD[j] = nearD[j - 1];
        nearI[j] = nearI[j - 1];
      }
      nearD[j] = d;
      nearI[j] = b;
    }
    for (const b of nearI) {
      if (b < 0) continue;
      out[a].add(b);
      out[b].add(a);
    }
  }
  return out.map((s) => [...s]);
}

export function clusterPalette(cx: Float32Array, cy: Float32Array): Uint8Array {
  const candidates = paletteCandidates();
  const lab = candidates.map((c) => rgbToLab(...c));
  const neighbours = centreNeighbours(cx, cy, PALETTE_NEIGHBOURS);
  const chosen = new Int32Array(cx.length).fill(-1);
  const used = new Uint8Array(candidates.length);
  let unused = candidates.length;
  // Most-constrained first (most neighbours), ties by id: the crowded middle of the map is
  // coloured while the most candidates are still free.
  const order = [...cx.keys()].sort((a, b) => neighbours[b].length - neighbours[a].length || a - b);
  for (const c of order) {
    let best = 0, bestScore = -1;
    for (let j = 0; j < candidates.length; j++) {
      if (unused > 0 && used[j]) continue;
      let score = Infinity;
      for (const nb of neighbours[c]) if (chosen[nb] >= 0) score = Math.min(score, deltaE(lab[j], lab[chosen[nb]]));
      if (score > bestScore) {
        bestScore = score;
        best = j;
      }
    }
    chosen[c] = best;
    if (!used[best]) {
      used[best] = 1;
      unused--;
    }
  }
  const rgb = new Uint8Array(cx.length * 3);
  for (let c = 0; c < cx.length; c++) rgb.set(candidates[chosen[c]], c * 3);
  return rgb;
}
