import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { sotuJsonl } from '../support/corpus.js';
import { REPO, tempDir } from '../support/paths.js';

test('the examples/library.mjs script runs against the package entry point', () => {
  const dir = tempDir('lib');
  const file = path.join(dir, 'chat.jsonl');
  const lines = ['hello there', 'my card is lost', 'hello there'].map((t) => JSON.stringify({ request: { messages: [{ content: t }] } }));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const r = spawnSync(process.execPath, [path.join(REPO, 'examples/library.mjs'), file], { cwd: REPO, encoding: 'utf8', env: process.env });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { rows: 3, vectors: 2, dims: 100 });
});

/** The ```ts blocks of README.md's "As a library" section, in order. */
function readmeBlocks(): string[] {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('### As a library');
  const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

test("README's library section compiles with tsc against the package (import 'semclust') and runs", () => {
  const blocks = readmeBlocks();
  assert.ok(blocks.length >= 3, `README's library section holds ${blocks.length} ts blocks`);
  // Inside the package folder, so `semclust` resolves to this package (self-reference) for tsc and node.
  const src = path.join(REPO, 'dist', 'readme-library');
  fs.rmSync(src, { recursive: true, force: true });
  fs.mkdirSync(src, { recursive: true });
  const files = blocks.map((code, i) => {
    const file = path.join(src, `block-${i + 1}.ts`);
    fs.writeFileSync(file, code);
    return file;
  });
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    types: ['node'],
    skipLibCheck: true,
    rootDir: src,
    outDir: src,
  });
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(diagnostics, []);

  const cwd = tempDir('readme');
  fs.copyFileSync(sotuJsonl(200), path.join(cwd, 'data.jsonl'));
  const runs = files.map((file) => spawnSync(process.execPath, [file.replace(/\.ts$/, '.js')], { cwd, encoding: 'utf8', env: process.env }));
  for (const [i, r] of runs.entries()) {
    assert.equal(r.status, 0, `block ${i + 1}: ${r.stderr}`);
    assert.notEqual(r.stdout, '', `block ${i + 1} printed nothing`);
  }
  // The first block runs whole stages with quiet: true: nothing on stderr, on stdout only its own console.log.
  assert.equal(runs[0].stderr, '');
  assert.match(runs[0].stdout, /^\{\n  sampled: 20,/);
});

test('runStages({ quiet: true }) writes nothing to the caller’s stdout or stderr (embed, fit, infer, dedup, sample)', () => {
  const out = path.join(tempDir('quiet'), 'out');
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist/test/support/quiet-run.js'), sotuJsonl(200), out], { encoding: 'utf8', env: process.env });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(JSON.parse(r.stdout), { sample: 'complete', written: [] });
});
