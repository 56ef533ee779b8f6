import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstRaggedRow } from '../../../operators/input/read-table.js';

test('firstRaggedRow counts fields as RFC 4180 reads them: quoted delimiters, doubled quotes and line breaks stay inside one field', () => {
  assert.equal(firstRaggedRow('a,b\n1,"x, y"\n2,"say ""hi"", ok"\n3,"two\nlines"\n\n4,z\n', ','), null);
  assert.deepEqual(firstRaggedRow('a,b\n1,x\n2,"q,r",extra\n3,y\n', ','), { row: 2, fields: 3, header: 2 });
  assert.deepEqual(firstRaggedRow('a\tb\n1\tx\n2\n', '\t'), { row: 2, fields: 1, header: 2 });
  assert.deepEqual(firstRaggedRow('a,b\n1,x\n2,y,z', ','), { row: 2, fields: 3, header: 2 }, 'a last row without a newline');
});
