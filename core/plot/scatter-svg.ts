/**
 * A 2-D scatter plot of clustered points as a standalone SVG: one colour per cluster
 * (golden-angle hues, so neighbouring ids differ), noise in light grey, sampled points
 * ringed in black, and optional text labels (a cluster's top keyword) at given points, on
 * a white halo so they read over the dots. Pure string building; the caller picks the points.
 */
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
  title: string;
  subtitle?: string;
  labels?: readonly ScatterLabel[];
}

const SIZE = 900;
const MARGIN = 40;

function hue(cluster: number): number {
  return (cluster * 137.508) % 360;
}

export function scatterSvg(p: ScatterInput): string {
  const n = p.x.length;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    if (p.x[i] < minX) minX = p.x[i];
    if (p.x[i] > maxX) maxX = p.x[i];
    if (p.y[i] < minY) minY = p.y[i];
    if (p.y[i] > maxY) maxY = p.y[i];
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const scale = (SIZE - 2 * MARGIN) / span;
  const px = (v: number) => (MARGIN + (v - minX) * scale).toFixed(1);
  const py = (v: number) => (SIZE - MARGIN - (v - minY) * scale).toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE + 30}" viewBox="0 0 ${SIZE} ${SIZE + 30}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN}" y="24" font-size="16">${escapeXml(p.title)}</text>`,
  ];
  if (p.subtitle) out.push(`<text x="${MARGIN}" y="${SIZE + 20}" font-size="12" fill="#555">${escapeXml(p.subtitle)}</text>`);
  // Noise first so clusters draw over it; sampled rings last so they stay visible.
  out.push('<g fill-opacity="0.6">');
  for (let i = 0; i < n; i++) if (p.cluster[i] < 0) out.push(`<circle cx="${px(p.x[i])}" cy="${py(p.y[i])}" r="1.6" fill="#cccccc"/>`);
  for (let i = 0; i < n; i++) {
    if (p.cluster[i] >= 0) out.push(`<circle cx="${px(p.x[i])}" cy="${py(p.y[i])}" r="1.8" fill="hsl(${hue(p.cluster[i]).toFixed(0)},70%,45%)"/>`);
  }
  out.push('</g>');
  if (p.picked) {
    out.push('<g fill="none" stroke="black" stroke-width="0.8">');
    for (let i = 0; i < n; i++) if (p.picked[i]) out.push(`<circle cx="${px(p.x[i])}" cy="${py(p.y[i])}" r="3.2"/>`);
    out.push('</g>');
  }
  if (p.labels?.length) {
    out.push('<g font-size="13" font-weight="bold" text-anchor="middle" fill="#222" stroke="white" stroke-width="3" paint-order="stroke">');
    for (const l of p.labels) out.push(`<text x="${px(l.x)}" y="${py(l.y)}">${escapeXml(l.text)}</text>`);
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
