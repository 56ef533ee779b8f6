import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { getAtPath, parseKeyPath } from '../../../core/text/key-path.js';
import { userMessageOf } from '../../../core/text/llama3-prompt.js';
import { sotuChatJsonl, sotuJsonl } from '../../support/corpus.js';

test('a Llama-3 prompt is reduced to its user message; other text is kept as is', () => {
  const prompt =
    '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe helpful.<|eot_id|>' +
    '<|start_header_id|>user<|end_header_id|>\n\nWhere is my card?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n';
  assert.equal(userMessageOf(prompt), 'Where is my card?');
  assert.equal(userMessageOf('plain text <|eot_id|>'), 'plain text <|eot_id|>');
});

test('State of the Union passages as Llama-3 chat prompts reduce to exactly the plain passages', () => {
  const plain = fs.readFileSync(sotuJsonl(4000), 'utf8').trim().split('\n');
  const chat = fs.readFileSync(sotuChatJsonl(4000), 'utf8').trim().split('\n');
  assert.equal(plain.length, 4000);
  assert.equal(chat.length, 4000);
  assert.ok(chat[0].includes('<|start_header_id|>user<|end_header_id|>') && !chat[1].includes('<|'), 'even lines are prompts, odd lines bare');
  const keyPath = parseKeyPath('request.messages[0].content');
  for (let i = 0; i < plain.length; i++) {
    assert.equal(userMessageOf(getAtPath(JSON.parse(chat[i]), keyPath) as string), JSON.parse(plain[i]).text, `line ${i + 1}`);
  }
});
