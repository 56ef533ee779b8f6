import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillTemplate, parseTextTemplate } from '../../../core/text/text-template.js';

test('a template joins key paths with literal text; \\n, \\t and doubled braces are escapes', () => {
  const t = parseTextTemplate('{title}\\n\\n{meta.tags[0]}: {body} {{raw}} \\\\n');
  const r = fillTemplate(t, { title: 'Rates', meta: { tags: ['econ'] }, body: 'Up again.' });
  assert.deepEqual(r, { text: 'Rates\n\necon: Up again. {raw} \\n' });
  assert.deepEqual(fillTemplate(parseTextTemplate('{n} items, in stock: {ok}'), { n: 3, ok: true }), { text: '3 items, in stock: true' });
  // YAML already turns "\n" into a newline; a template holding real newlines works the same.
  assert.deepEqual(fillTemplate(parseTextTemplate('{a}\n\n{b}'), { a: 'x', b: 'y' }), { text: 'x\n\ny' });
});

test('a missing, null, empty or non-text field names itself', () => {
  const t = parseTextTemplate('{title}\\n\\n{body}');
  assert.deepEqual(fillTemplate(t, { title: 'T' }), { problem: 'empty_field', detail: 'template field {body} is missing' });
  assert.deepEqual(fillTemplate(t, { title: ' ', body: 'b' }), { problem: 'empty_field', detail: 'template field {title} is empty' });
  assert.deepEqual(fillTemplate(t, { title: null, body: 'b' }), { problem: 'empty_field', detail: 'template field {title} is null' });
  assert.deepEqual(fillTemplate(t, { title: 'T', body: { x: 1 } }), { problem: 'not_a_string', detail: 'template field {body} is an object' });
});

test('templates without a field, with an unclosed brace or a bad key path are refused with the fix', () => {
  assert.throws(() => parseTextTemplate('just text'), /names no field/);
  assert.throws(() => parseTextTemplate('{title'), /not closed; write \{\{ for a literal brace/);
  assert.throws(() => parseTextTemplate('a } b {x}'), /closes nothing/);
  assert.throws(() => parseTextTemplate('{a..b}'), /invalid key path/);
});
