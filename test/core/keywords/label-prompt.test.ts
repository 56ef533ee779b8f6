import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanLabel, labelMessages } from '../../../core/keywords/label-prompt.js';

test('the request is a system turn asking for a short label and a user turn with the keywords and the texts', () => {
  const messages = labelMessages({ keywords: ['card', 'arrival', 'card arrival'], representatives: ['Where is my card?', 'My card\nhas not\tarrived'] });
  assert.deepEqual(messages.map((m) => m.role), ['system', 'user']);
  assert.match(messages[0].content, /short label/);
  const user = messages[1].content;
  assert.ok(user.startsWith('Keywords: card, arrival, card arrival\n'), user);
  // One line per text, inner whitespace collapsed so a text cannot add lines of its own.
  const lines = user.split('\n');
  assert.ok(lines.includes('- Where is my card?'));
  assert.ok(lines.includes('- My card has not arrived'));
  assert.equal(lines.at(-1), 'Label:');
});

test('a long text is cut to 300 characters with an ellipsis; shorter texts stay whole', () => {
  const long = 'x'.repeat(299) + 'yz';
  const exact = 'w'.repeat(300);
  const user = labelMessages({ keywords: [], representatives: [long, exact] })[1].content;
  assert.ok(user.includes(`- ${'x'.repeat(299)}y…\n`), 'cut after 300 characters');
  assert.ok(!user.includes('yz'));
  assert.ok(user.includes(`- ${exact}\n`));
});

test('cleanLabel keeps the first line, without a Label: prefix, quotes, markdown stars or a final full stop', () => {
  assert.equal(cleanLabel('  Card delivery delays.\nBecause the texts ask about it.'), 'Card delivery delays');
  assert.equal(cleanLabel('Label: "Exchange rates"'), 'Exchange rates');
  assert.equal(cleanLabel('label :**Top-up failures**'), 'Top-up failures');
  assert.equal(cleanLabel('“Lost or stolen card”'), 'Lost or stolen card');
  assert.equal(cleanLabel(''), '');
  assert.equal(cleanLabel('a'.repeat(200)).length, 80);
});
