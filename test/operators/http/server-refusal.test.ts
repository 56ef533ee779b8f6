import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readRefusal, refusalServer } from '../../../operators/http/server-refusal.js';

// Bodies as each server writes them (TEI router/src/http/server.rs, vLLM ErrorResponse, OpenAI, Ollama, Infinity's pydantic 422).
const BODIES = {
  teiEmbedBatch: [413, '{"error":"batch size 64 > maximum allowed batch size 32","error_type":"validation"}'],
  teiOpenAiBatch: [413, '{"message":"batch size 64 > maximum allowed batch size 32","code":413,"type":"validation"}'],
  teiLong: [413, '{"message":"Input validation error: `inputs` must have less than 512 tokens. Given: 600","code":413,"type":"validation"}'],
  vllmLong: [
    400,
    '{"object":"error","message":"This model\'s maximum context length is 512 tokens. However, you requested 1451 tokens in the input for embedding generation. Please reduce the length of the input.","type":"BadRequestError","param":null,"code":400}',
  ],
  vllmNested: [400, '{"error":{"message":"This model\'s maximum context length is 8192 tokens. However, you requested 9000 tokens in the input for embedding generation.","type":"BadRequestError","param":null,"code":400}}'],
  openAiLong: [
    400,
    '{"error":{"message":"This model\'s maximum context length is 8192 tokens, however you requested 9000 tokens (9000 in your prompt; 0 for the completion). Please reduce your prompt; or completion length.","type":"invalid_request_error","param":null,"code":null}}',
  ],
  ollamaLong: [400, '{"error":"the input length exceeds the context length"}'],
  infinityBatch: [422, '{"detail":[{"type":"too_long","loc":["body","input"],"msg":"List should have at most 2048 items after validation, not 3000"}]}'],
} as const;

test('each server\'s refusal is read as what it is, with the numbers it names and who wrote it', () => {
  const read = (k: keyof typeof BODIES) => readRefusal(BODIES[k][0], BODIES[k][1]);
  assert.deepEqual(read('teiEmbedBatch'), { kind: 'batch_size', max: 32, server: 'tei' });
  assert.deepEqual(read('teiOpenAiBatch'), { kind: 'batch_size', max: 32, server: 'tei' });
  assert.deepEqual(read('teiLong'), { kind: 'too_long', limit: 512, given: 600, server: 'tei' });
  assert.deepEqual(read('vllmLong'), { kind: 'too_long', limit: 512, given: 1451, server: 'vllm' });
  assert.deepEqual(read('vllmNested'), { kind: 'too_long', limit: 8192, given: 9000, server: 'vllm' });
  assert.deepEqual(read('openAiLong'), { kind: 'too_long', limit: 8192, given: 9000, server: 'openai' });
  assert.deepEqual(read('ollamaLong'), { kind: 'too_long', server: 'ollama' });
  assert.deepEqual(read('infinityBatch'), { kind: 'batch_size', max: 2048, server: undefined });
});

test('refusals the client cannot work around are not read as one', () => {
  assert.equal(readRefusal(401, '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}'), undefined);
  assert.equal(readRefusal(404, '{"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","code":404}'), undefined);
  assert.equal(readRefusal(400, '{"error":{"message":"\'input\' must be a string","type":"invalid_request_error"}}'), undefined);
  assert.equal(readRefusal(400, 'not json'), undefined);
  assert.equal(refusalServer({ detail: 'Not Found' }), undefined);
});
