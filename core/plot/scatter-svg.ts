/**
 * A 2-D scatter plot of clustered points as a standalone SVG: one colour per cluster (the
 * caller's, see cluster-palette.ts), noise in light grey, sampled points ringed in black,
 * and optional text labels (a cluster's top keyword) at given points, on a white halo so
 * they read over the dots. Framed on the 1st–99th percentiles (map-frame.ts): points
 * outside are drawn at the edge as outlined diamonds. The subtitle wraps to the width.
 * Pure string building; the caller picks the points.
 */
import { clampToFrame, mapFrame } from './map-frame.js';

export interface ScatterLabel {
  x: number;
  y: number;
  text: string;
}

export interface ScatterInput {
  x: Float32Array;
  y: Float32Array;
  cluster: Int32Array;
  /** 1 where the point is in the sample. */
  picked?: Uint8Array;
  /** RGB bytes, three per cluster id. */
  colours: Uint8Array;
  title: string;
  subtitle?: string;
  labels?: readonly ScatterLabel[];
}

const SIZE = 900;
const MARGIN = 40;
/** Characters of 12 px sans-serif that fit in SIZE − 2 × MARGIN (about 6.5 px each). */
const CAPTION_CHARS = 125;
const CAPTION_LINE = 16;

/** Words packed into lines of at most `width` characters (a longer word gets its own line). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export function scatterSvg(p: ScatterInput): string {
  const n = p.x.length;
  const x = Float32Array.from(p.x), y = Float32Array.from(p.y);
  const { minX, maxX, minY, maxY } = mapFrame(x, y);
  const outside = clampToFrame(x, y, { minX, maxX, minY, maxY });
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const scale = (SIZE - 2 * MARGIN) / span;
  const px = (v: number) => (MARGIN + (v - minX) * scale).toFixed(1);
  const py = (v: number) => (SIZE - MARGIN - (v - minY) * scale).toFixed(1);
  const caption = p.subtitle ? wrapWords(p.subtitle, CAPTION_CHARS) : [];
  const height = SIZE + 10 + caption.length * CAPTION_LINE;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${height}" viewBox="0 0 ${SIZE} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN}" y="24" font-size="16">${escapeXml(p.title)}</text>`,
  ];
  caption.forEach((line, k) => out.push(`<text x="${MARGIN}" y="${SIZE + 4 + (k + 1) * CAPTION_LINE - 4}" font-size="12" fill="#555">${escapeXml(line)}</text>`));
  const fill = (c: number) => (c < 0 ? '#cccccc' : `rgb(${p.colours[c * 3]},${p.colours[c * 3 + 1]},${p.colours[c * 3 + 2]})`);
  // Noise first so clusters draw over it; outliers, then sampled rings last so they stay visible.
  out.push('<g fill-opacity="0.6">');
  for (let i = 0; i < n; i++) if (p.cluster[i] < 0 && !outside[i]) out.push(`<circle cx="${px(x[i])}" cy="${py(y[i])}" r="1.6" fill="#cccccc"/>`);
  for (let i = 0; i < n; i++) if (p.cluster[i] >= 0 && !outside[i]) out.push(`<circle cx="${px(x[i])}" cy="${py(y[i])}" r="1.8" fill="${fill(p.cluster[i])}"/>`);
  out.push('</g>');
  if (outside.includes(1)) {
    out.push('<g stroke="#333" stroke-width="0.7">');
    for (let i = 0; i < n; i++) if (outside[i]) out.push(`<path class="outlier" d="M${px(x[i])} ${py(y[i])}m-3 0l3-3l3 3l-3 3z" fill="${fill(p.cluster[i])}"/>`);
    out.push('</g>');
  }
  if (p.picked) {
    out.push('<g fill="none" stroke="black" stroke-width="0.8">');
    for (let i = 0; i < n; i++) if (p.picked[i]) out.push(`<circle cx="${px(x[i])}" cy="${py(y[i])}" r="3.2"/>`);
    out.push('</g>');
  }
  if (p.labels?.length) {
    out.push('<g font-size="13" font-weight="bold" text-anchor="middle" fill="#222" stroke="white" stroke-width="3" paint-order="stroke">');
    for (const l of p.labels) out.push(`<text x="${px(Math.min(maxX, Math.max(minX, l.x)))}" y="${py(Math.min(maxY, Math.max(minY, l.y)))}">${escapeXml(l.text)}</text>`);
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
