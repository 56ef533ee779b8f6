import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TURN_SEPARATOR, chatText } from '../../../core/text/chat-turns.js';

const messages = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'What is a bond?' },
  { role: 'assistant', content: 'A loan to an issuer.' },
  { role: 'user', content: [{ type: 'text', text: 'And a coupon?' }, { type: 'image_url', image_url: { url: 'x' } }, { type: 'text', text: 'Briefly.' }] },
  { role: 'assistant', content: null, tool_calls: [] },
];

test('messages: first, last and every user turn; with system, its turns join in conversation order', () => {
  assert.deepEqual(chatText(messages, 'messages', ['user'], 'first'), { text: 'What is a bond?' });
  assert.deepEqual(chatText(messages, 'messages', ['user'], 'last'), { text: 'And a coupon?\nBriefly.' });
  assert.deepEqual(chatText(messages, 'messages', ['user'], 'all'), { text: `What is a bond?${TURN_SEPARATOR}And a coupon?\nBriefly.` });
  assert.deepEqual(chatText(messages, 'messages', ['user', 'system'], 'first'), { text: `You are terse.${TURN_SEPARATOR}What is a bond?` });
  assert.deepEqual(chatText(messages, 'messages', ['user', 'assistant'], 'last'), { text: `A loan to an issuer.${TURN_SEPARATOR}And a coupon?\nBriefly.` });
});

test('sharegpt: human and gpt are user and assistant; an empty first human turn is skipped', () => {
  const conv = [
    { from: 'system', value: 'Be kind.' },
    { from: 'human', value: '  ' },
    { from: 'gpt', value: 'Hello?' },
    { from: 'human', value: 'Plant care tips' },
  ];
  assert.deepEqual(chatText(conv, 'sharegpt', ['user'], 'first'), { text: 'Plant care tips' });
  assert.deepEqual(chatText(conv, 'sharegpt', ['user', 'system'], 'all'), { text: `Be kind.${TURN_SEPARATOR}Plant care tips` });
  assert.deepEqual(chatText(conv, 'sharegpt', ['assistant'], 'first'), { text: 'Hello?' });
});

test('a record without a user turn with text, or not a turn list, is a problem naming what it has', () => {
  assert.deepEqual(chatText([{ role: 'system', content: 'x' }, { role: 'user', content: '' }], 'messages', ['user', 'system'], 'first'), {
    problem: 'no_turn',
    detail: 'no user turn with text (turns system, user (empty))',
  });
  assert.deepEqual(chatText([], 'sharegpt', ['user'], 'all'), { problem: 'no_turn', detail: 'no user turn with text (no turns)' });
  assert.equal((chatText('hello', 'messages', ['user'], 'first') as { problem: string }).problem, 'not_a_chat');
  // A ShareGPT list read as messages has no `role`: the wrong --format is named, not guessed.
  assert.equal((chatText([{ from: 'human', value: 'hi' }], 'messages', ['user'], 'first') as { problem: string }).problem, 'not_a_chat');
});
