import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeText } from '../../../core/dedup/normalize-text.js';

test('normalizeText lower-cases, deletes punctuation, drops articles and collapses whitespace (the matrix dedup rule)', () => {
  assert.equal(normalizeText('What is THE exchange-rate for  a Euro?!'), 'what is exchangerate for euro');
  assert.equal(normalizeText("I don't see an\ttop-up."), 'i dont see topup');
  assert.equal(normalizeText('Théâtre — “quoted” €5'), 'théâtre quoted 5');
});

test('normalizeText: case and punctuation edits give the same text; a word dropped does not', () => {
  const t = 'How do I change my PIN?';
  assert.equal(normalizeText(t.toUpperCase()), normalizeText(t));
  assert.equal(normalizeText('How do I change my PIN!!'), normalizeText(t));
  assert.notEqual(normalizeText('How do I change PIN?'), normalizeText(t));
  assert.equal(normalizeText('?!. the a an'), '');
});
