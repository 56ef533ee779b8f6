/**
 * Issue 18 item 9: npm 11 read this project quietly. The .npmrc key onnxruntime-node-install
 * made every npm command warn "Unknown project config" (and stops working in npm 12), and the
 * onnxruntime-node postinstall was "not yet covered by allowScripts". package.json's
 * allowScripts now denies that script, which is what skips the CUDA provider download.
 * (A fresh clone was checked by hand: `git clone … && npm ci` runs no onnxruntime-node script
 * and leaves bin/napi-v6/linux/x64 without libonnxruntime_providers_cuda.so.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './support/paths.js';

const npmMajor = Number((spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout ?? '').split('.')[0]);
const skip = npmMajor >= 11 ? false : `npm ${npmMajor || 'not found'}: allowScripts is npm 11's`;

test('npm reads the project config without a warning, and no dependency install script is left unreviewed', { skip }, () => {
  const config = spawnSync('npm', ['config', 'get', 'allow-scripts'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(config.status, 0, config.stderr);
  assert.doesNotMatch(config.stderr, /Unknown project config/);
  const pending = spawnSync('npm', ['approve-scripts', '--allow-scripts-pending'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(pending.status, 0, pending.stderr);
  assert.match(pending.stdout, /No packages with unreviewed install scripts/);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).allowScripts, { 'onnxruntime-node': false });
});
