import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readJsonIfExists } from '../../../operators/embedders/read-json.js';
import { tempDir } from '../../support/paths.js';

test('a model folder\'s JSON file: parsed when present, null when absent, a parse error naming the file', async () => {
  const dir = tempDir('json');
  fs.writeFileSync(path.join(dir, 'config.json'), '{"hidden_size": 384, "model_type": "bert"}');
  assert.deepEqual(await readJsonIfExists(path.join(dir, 'config.json')), { hidden_size: 384, model_type: 'bert' });
  assert.equal(await readJsonIfExists(path.join(dir, 'tokenizer_config.json')), null);
  fs.writeFileSync(path.join(dir, 'modules.json'), '[{"type": ');
  await assert.rejects(readJsonIfExists(path.join(dir, 'modules.json')), (e: Error) => e.message.startsWith(`could not parse ${path.join(dir, 'modules.json')}: `));
});

test('an unreadable path other than a missing file is not taken for "absent"', async () => {
  const dir = tempDir('json');
  fs.mkdirSync(path.join(dir, 'config.json'));
  await assert.rejects(readJsonIfExists(path.join(dir, 'config.json')), { code: 'EISDIR' });
});
