import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelAlternatives } from '../../../operators/embedders/model-alternatives.js';
import { SETTING_KEYS } from '../../../schemas/config.js';

test('the ways out name the model in each command, and every flag they name is a real setting', () => {
  const text = modelAlternatives('BAAI/bge-small-en-v1.5');
  assert.equal(text.split('\n')[0], 'Ways out:');
  assert.match(text, /optimum-cli export onnx --model BAAI\/bge-small-en-v1\.5 DIR/);
  assert.match(text, /vllm serve BAAI\/bge-small-en-v1\.5 --task embed/);
  assert.match(text, /text-embeddings-router --model-id BAAI\/bge-small-en-v1\.5/);
  const flags = [...text.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1].replace(/-/g, '_'));
  assert.deepEqual(flags, ['embedding_model', 'embedding_model', 'embedding_endpoint']);
  for (const f of flags) assert.ok((SETTING_KEYS as string[]).includes(f), `--${f} is a setting`);
});
