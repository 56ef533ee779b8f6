import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scatterSvg } from '../../../core/plot/scatter-svg.js';
import { createRng } from '../../../core/util/random.js';
import { clusterPalette } from '../../../core/plot/cluster-palette.js';

/** Six clusters' colours from centres on a line: every one its own colour. */
const colours = clusterPalette(Float32Array.from([0, 1, 2, 3, 4, 5]), new Float32Array(6));

interface Circle {
  cx: number;
  cy: number;
  r: number;
  fill: string | null;
}

const circles = (svg: string): Circle[] =>
  [...svg.matchAll(/<circle cx="([^"]+)" cy="([^"]+)" r="([^"]+)"(?: fill="([^"]+)")?\/>/g)].map((m) => ({ cx: +m[1], cy: +m[2], r: +m[3], fill: m[4] ?? null }));

function input(n: number) {
  const rng = createRng(1);
  return {
    // Uniform, so no point falls outside the percentile frame (see the outlier test).
    x: Float32Array.from({ length: n }, () => rng.next() * 10 - 5),
    y: Float32Array.from({ length: n }, () => rng.next() * 4 + 5),
    cluster: Int32Array.from({ length: n }, (_, i) => (i % 7) - 1),
    picked: Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)),
    colours,
  };
}

test('one dot per point, noise grey and drawn first, one colour per cluster, one ring per picked point', () => {
  const p = input(140);
  const svg = scatterSvg({ ...p, title: 'run' });
  const all = circles(svg);
  const dots = all.filter((c) => c.fill !== null);
  const rings = all.filter((c) => c.fill === null);
  assert.equal(dots.length, 140);
  assert.equal(rings.length, p.picked.filter((v) => v).length);
  const noise = p.cluster.filter((c) => c < 0).length;
  assert.ok(dots.slice(0, noise).every((c) => c.fill === '#cccccc'), 'noise first, in grey');
  const colourOf = new Map<number, string>();
  let at = noise;
  for (let i = 0; i < 140; i++) {
    if (p.cluster[i] < 0) continue;
    const fill = dots[at++].fill!;
    assert.equal(colourOf.get(p.cluster[i]) ?? fill, fill, `cluster ${p.cluster[i]} keeps one colour`);
    colourOf.set(p.cluster[i], fill);
  }
  assert.equal(new Set(colourOf.values()).size, colourOf.size, 'clusters differ in colour');
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"') && svg.endsWith('</svg>\n'));
  assert.equal(svg.match(/<g[ >]/g)!.length, svg.match(/<\/g>/g)!.length, 'groups balanced');
});

test('points fill the square inside equal margins, keep their aspect, and y grows upwards', () => {
  const p = input(60);
  const svg = scatterSvg({ ...p, title: 't' });
  const dots = circles(svg).filter((c) => c.fill !== null);
  const xs = dots.map((c) => c.cx), ys = dots.map((c) => c.cy);
  const [left, right, top, bottom] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // x spans more than y here: x fills the width between the margins, y keeps the same scale.
  const width = Number(/<svg [^>]*width="(\d+)"/.exec(svg)![1]);
  assert.ok(left > 0 && right < width);
  assert.ok(Math.abs(left - (width - right)) < 0.2, `margins ${left} and ${width - right}`);
  const spanX = Math.max(...p.x) - Math.min(...p.x), spanY = Math.max(...p.y) - Math.min(...p.y);
  assert.ok(Math.abs((bottom - top) / (right - left) - spanY / spanX) < 1e-2, 'same scale on both axes');
  const highest = p.y.indexOf(Math.max(...p.y));
  const noiseFirst = [...p.cluster.keys()].filter((i) => p.cluster[i] < 0).concat([...p.cluster.keys()].filter((i) => p.cluster[i] >= 0));
  assert.equal(dots[noiseFirst.indexOf(highest)].cy, top, 'the highest point is drawn at the top');
});

test('title, subtitle and labels are escaped text; no picked or labels means no rings or label group', () => {
  const p = input(10);
  const svg = scatterSvg({ x: p.x, y: p.y, cluster: p.cluster, colours, title: 'a < b & "c"', subtitle: '<script>', labels: [{ x: 0, y: 7, text: 'card & PIN' }] });
  assert.ok(svg.includes('>a &lt; b &amp; &quot;c&quot;</text>'));
  assert.ok(svg.includes('>&lt;script&gt;</text>'));
  assert.ok(svg.includes('>card &amp; PIN</text>'));
  assert.ok(!svg.includes('<script>'));
  assert.ok(!svg.includes('stroke="black"'), 'no rings without picked');
  const plain = scatterSvg({ x: p.x, y: p.y, cluster: p.cluster, colours, title: 't' });
  assert.ok(!plain.includes('font-weight="bold"') && !plain.includes('fill="#555"'));
});

test('a single point or all-equal points still plot at finite coordinates', () => {
  const one = circles(scatterSvg({ x: Float32Array.of(3), y: Float32Array.of(3), cluster: Int32Array.of(0), colours, title: 't' }));
  assert.equal(one.length, 1);
  assert.ok(Number.isFinite(one[0].cx) && Number.isFinite(one[0].cy));
});

test('a far group under 1% of the points is clamped to the edge as diamonds; the main cloud fills the square', () => {
  const p = input(1000);
  // Five points (0.5%) at one far spot, as Brown's word-less fragments land under the built-in model.
  for (let i = 0; i < 5; i++) {
    p.x[i] = 400;
    p.y[i] = -300;
  }
  const svg = scatterSvg({ ...p, title: 't' });
  const diamonds = [...svg.matchAll(/<path class="outlier" d="M([\d.]+) ([\d.]+)/g)].map((m) => [+m[1], +m[2]]);
  assert.equal(diamonds.length, 5, 'the far five are marked, no point of the uniform cloud');
  const dots = circles(svg).filter((c) => c.fill !== null);
  assert.equal(dots.length + diamonds.length, 1000, 'every point drawn once');
  const xs = dots.map((c) => c.cx);
  const width = Number(/<svg [^>]*width="(\d+)"/.exec(svg)![1]);
  assert.ok(Math.max(...xs) - Math.min(...xs) > 0.8 * width, 'the cloud spans most of the width, not a corner');
  for (const [x] of diamonds) assert.ok(x >= 0 && x <= width);
});

test('a long subtitle wraps inside the 900 px width and the picture grows to hold it', () => {
  const p = input(10);
  const subtitle = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
  const svg = scatterSvg({ ...p, title: 't', subtitle });
  const lines = [...svg.matchAll(/<text x="40" y="([\d.]+)" font-size="12" fill="#555">([^<]*)<\/text>/g)];
  assert.ok(lines.length >= 3);
  assert.equal(lines.map((l) => l[2]).join(' '), subtitle, 'no word lost');
  // 12 px sans-serif averages under 6.5 px a character: 125 characters fit in the 820 px between the margins.
  for (const l of lines) assert.ok(l[2].length <= 125);
  const height = Number(/<svg [^>]*height="(\d+)"/.exec(svg)![1]);
  assert.ok(Number(lines.at(-1)![1]) < height, 'the last line is inside the picture');
});
