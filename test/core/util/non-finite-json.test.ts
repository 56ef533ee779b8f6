import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNonFiniteJson } from '../../../core/util/non-finite-json.js';

test('bare NaN and ±Infinity outside strings become numbers in the value and null in the text', () => {
  const r = parseNonFiniteJson('{"v":[1.5,NaN,-Infinity,Infinity],"s":2}');
  assert.deepEqual(r.value, { v: [1.5, NaN, -Infinity, Infinity], s: 2 });
  assert.equal(r.text, '{"v":[1.5,null,null,null],"s":2}');
  assert.deepEqual(JSON.parse(r.text), { v: [1.5, null, null, null], s: 2 });
});

test('the same words inside strings, escaped quotes included, are left alone', () => {
  const text = '{"a":"NaN","b":"say \\"Infinity\\" -Infinity","c":NaN}';
  const r = parseNonFiniteJson(text);
  assert.deepEqual(r.value, { a: 'NaN', b: 'say "Infinity" -Infinity', c: NaN });
  assert.equal(r.text, '{"a":"NaN","b":"say \\"Infinity\\" -Infinity","c":null}');
});

test('valid JSON comes back unchanged, and invalid JSON still throws', () => {
  assert.deepEqual(parseNonFiniteJson('{"x":[1,2]}'), { value: { x: [1, 2] }, text: '{"x":[1,2]}' });
  assert.throws(() => parseNonFiniteJson('{"x":Nan}'), SyntaxError);
  assert.throws(() => parseNonFiniteJson('{"x":NaN'), SyntaxError);
});
