/**
 * ARCHITECTURE.md's rules, checked on the source tree: layers never point back up, core/ does no
 * I/O, folder roots are not heaps, and tests mirror the tree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './support/paths.js';

const LAYERS = ['schemas', 'core', 'operators', 'pipeline'] as const;
type Layer = (typeof LAYERS)[number];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/** Every module a file imports: static, re-exported and dynamic. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(REPO, file), 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

function layerOf(file: string): Layer | null {
  const top = file.split(path.sep)[0];
  return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : null;
}

test('each layer imports only from itself and the layers below it (schemas < core < operators < pipeline)', () => {
  const bad: string[] = [];
  for (const layer of LAYERS) {
    for (const file of sources(layer)) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = layerOf(path.relative(REPO, path.resolve(REPO, path.dirname(file), spec)));
        if (target && LAYERS.indexOf(target) > LAYERS.indexOf(layer)) bad.push(`${file} imports ${spec}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('core/ does no I/O: no node:* module, except the core count the kernels size their blocks by', () => {
  // The one exception: onnxruntime kernels pick rows per run from the machine's cores
  // (core/kernels/session.ts, thread-choice.ts); node:os is read for nothing else.
  const allowed = new Set(['core/kernels/session.ts node:os', 'core/kernels/thread-choice.ts node:os']);
  const bad = sources('core').flatMap((file) =>
    importsOf(file)
      .filter((spec) => spec.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'worker_threads'].includes(spec))
      .map((spec) => `${file} ${spec}`)
      .filter((line) => !allowed.has(line)),
  );
  assert.deepEqual(bad, []);
});

test('folder roots are not heaps: core/ and operators/ hold only folders, pipeline/ only its entry point', () => {
  const filesAt = (dir: string) => fs.readdirSync(path.join(REPO, dir), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  assert.deepEqual(filesAt('core'), []);
  assert.deepEqual(filesAt('operators'), []);
  assert.deepEqual(filesAt('pipeline'), ['cli.ts']);
});

test('tests mirror the tree: at least 90% of core/ and operators/ source files have test/<same path>.test.ts', () => {
  const files = [...sources('core'), ...sources('operators')];
  const missing = files.filter((f) => !fs.existsSync(path.join(REPO, 'test', f.replace(/\.ts$/, '.test.ts'))));
  const covered = 1 - missing.length / files.length;
  assert.ok(covered >= 0.9, `${files.length - missing.length} of ${files.length} have a mirrored test; missing: ${missing.join(', ')}`);
});
