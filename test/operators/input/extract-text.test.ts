import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { extractTexts, type ExtractOptions, type RowBatch } from '../../../operators/input/extract-text.js';
import { readLines, resolveInputs } from '../../../operators/input/read-lines.js';
import type { Reject } from '../../../operators/input/reject.js';
import { tempDir } from '../../support/paths.js';

async function collect(inputs: string[], options: { maxLineBytes?: number; keyPath?: string; stdin?: NodeJS.ReadableStream; batchLines?: number } = {}) {
  const sources = await resolveInputs(inputs);
  const lines = readLines(sources, { maxLineBytes: options.maxLineBytes ?? 1000, stdin: options.stdin, batchLines: options.batchLines });
  const rows: RowBatch[] = [];
  for await (const b of extractTexts({ keyPath: options.keyPath ?? 'text' })(lines)) rows.push(b);
  return {
    texts: rows.flatMap((b) => b.texts),
    lines: rows.flatMap((b) => b.lines),
    sources: rows.flatMap((b) => b.sources),
    records: rows.flatMap((b) => b.records),
    rejects: rows.flatMap((b) => b.rejects) as Reject[],
    linesRead: rows.reduce((n, b) => n + b.linesRead, 0),
  };
}

test('every kind of bad line becomes a reject with its line number and reason; good rows all survive', async () => {
  const dir = tempDir('bad');
  const file = path.join(dir, 'bad.jsonl');
  const parts: Buffer[] = [
    Buffer.from('{"text": "good one"}\n'), // 1
    Buffer.from('{"text": "unterminated\n'), // 2 invalid_json
    Buffer.from('{"other": "no text key"}\n'), // 3 missing_key
    Buffer.from('{"text": 42}\n'), // 4 not_a_string
    Buffer.from('{"text": "   "}\n'), // 5 empty_text
    Buffer.concat([Buffer.from('{"text": "bad '), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]), // 6 invalid_utf8
    Buffer.from(`{"text": "${'x'.repeat(2000)}"}\n`), // 7 line_too_long
    Buffer.from('\n'), // 8 empty_line
    Buffer.from('{"text": "good two"}\r\n'), // 9 CRLF is fine
    Buffer.from('{"text": null}\n'), // 10 not_a_string
    Buffer.from('{"text": "good three"}'), // 11 no final newline
  ];
  fs.writeFileSync(file, Buffer.concat(parts));
  const r = await collect([file], { batchLines: 3 });
  assert.deepEqual(r.texts, ['good one', 'good two', 'good three']);
  assert.deepEqual(r.lines, [1, 9, 11]);
  assert.deepEqual(
    r.rejects.map((x) => [x.line, x.reason]).sort((a, b) => (a[0] as number) - (b[0] as number)),
    [[2, 'invalid_json'], [3, 'missing_key'], [4, 'not_a_string'], [5, 'empty_text'], [6, 'invalid_utf8'], [7, 'line_too_long'], [8, 'empty_line'], [10, 'not_a_string']],
  );
  assert.ok(r.rejects.every((x) => x.source === file));
  assert.equal(r.linesRead, 11);
});

test('an over-long line spanning many chunks is skipped without losing the lines after it', async () => {
  const dir = tempDir('long');
  const file = path.join(dir, 'long.jsonl');
  fs.writeFileSync(file, `{"text": "a"}\n{"text": "${'y'.repeat(3_000_000)}"}\n{"text": "b"}\n`);
  const r = await collect([file], { maxLineBytes: 1 << 20 });
  assert.deepEqual(r.texts, ['a', 'b']);
  assert.deepEqual(r.lines, [1, 3]);
  assert.equal(r.rejects.length, 1);
  assert.equal(r.rejects[0].reason, 'line_too_long');
  assert.equal(r.rejects[0].line, 2);
});

test('gzip files, globs and stdin read the same rows as the plain file', async () => {
  const dir = tempDir('gz');
  const body = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ text: `row ${i} ✓` })).join('\n') + '\n';
  fs.writeFileSync(path.join(dir, 'a.jsonl'), body);
  fs.writeFileSync(path.join(dir, 'b.jsonl.gz'), zlib.gzipSync(body));
  const plain = await collect([path.join(dir, 'a.jsonl')]);
  const gz = await collect([path.join(dir, 'b.jsonl.gz')]);
  const stdin = await collect(['-'], { stdin: Readable.from([Buffer.from(body.slice(0, 777)), Buffer.from(body.slice(777))]) });
  const globbed = await collect([path.join(dir, '*.jsonl*')]);
  assert.equal(plain.texts.length, 5000);
  assert.deepEqual(gz.texts, plain.texts);
  assert.deepEqual(stdin.texts, plain.texts);
  assert.deepEqual(stdin.sources[0], '<stdin>');
  assert.equal(globbed.texts.length, 10_000);
  await assert.rejects(resolveInputs([path.join(dir, 'nothing-*.jsonl')]), /matches no file/);
  // A folder stands for its data files, sorted; one with none is refused.
  assert.deepEqual(await resolveInputs([dir]), [path.join(dir, 'a.jsonl'), path.join(dir, 'b.jsonl.gz')]);
  const empty = path.join(dir, 'empty');
  fs.mkdirSync(empty);
  fs.writeFileSync(path.join(empty, 'README.md'), '# not data\n');
  await assert.rejects(resolveInputs([empty]), /is a folder with no \.parquet, \.csv, \.tsv or \.jsonl file in it/);
});

test('the record column keeps the original JSON line', async () => {
  const dir = tempDir('rec');
  const line = '{"text":"hello","meta":{"k":[1,2]}}';
  fs.writeFileSync(path.join(dir, 'r.jsonl'), line + '\n');
  const r = await collect([path.join(dir, 'r.jsonl')]);
  assert.deepEqual(r.records, [line]);
});

/** Texts, rejects (line, reason, detail) and user ids of `lines` through extractTexts with `options`. */
async function extractLines(lines: unknown[], options: ExtractOptions) {
  const file = path.join(tempDir('chat'), 'chat.jsonl');
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const out: RowBatch[] = [];
  for await (const b of extractTexts(options)(readLines([file], { maxLineBytes: 10_000, batchLines: 2 }))) out.push(b);
  return {
    texts: out.flatMap((b) => b.texts),
    userIds: out.flatMap((b) => b.userIds ?? []),
    rejects: out.flatMap((b) => b.rejects).map((r) => [r.line, r.reason, r.detail, r.source === file]),
  };
}

test('an OpenAI messages dataset: the chosen turns of each record, and rejects naming what is missing', async () => {
  const chats = [
    { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Card lost' }, { role: 'assistant', content: 'Freeze it.' }, { role: 'user', content: 'Done, now what?' }] },
    { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: '   ' }, { role: 'assistant', content: 'Hi?' }] },
    { messages: [{ role: 'user', content: 'Top up failed' }] },
    { messages: 'not a list' },
    { prompt: 'no messages key' },
  ];
  const first = await extractLines(chats, { keyPath: 'messages', chat: { format: 'messages', roles: ['user'], turns: 'first' } });
  assert.deepEqual(first.texts, ['Card lost', 'Top up failed']);
  assert.deepEqual(first.rejects, [
    [2, 'no_turn', 'no user turn with text (turns system, user (empty), assistant)', true],
    [4, 'not_a_chat', 'not a messages turn list [{"role": …, "content": …}]', true],
    [5, 'missing_key', 'no value at "messages"', true],
  ]);
  const all = await extractLines(chats, { keyPath: 'messages', chat: { format: 'messages', roles: ['user', 'system'], turns: 'all' } });
  assert.deepEqual(all.texts, ['Be brief.\n\nCard lost\n\nDone, now what?', 'Top up failed']);
  const last = await extractLines(chats, { keyPath: 'messages', chat: { format: 'messages', roles: ['user'], turns: 'last' } });
  assert.deepEqual(last.texts, ['Done, now what?', 'Top up failed']);
});

test('a ShareGPT dataset: human turns by the role name user, system prompts kept with --roles user,system', async () => {
  const chats = [
    { conversations: [{ from: 'system', value: 'You are a bank.' }, { from: 'human', value: 'Where is my card?' }, { from: 'gpt', value: 'On its way.' }, { from: 'human', value: 'Thanks' }] },
    { conversations: [{ from: 'human', value: '' }, { from: 'gpt', value: 'Hello!' }] },
    { conversations: [{ from: 'gpt', value: 'Only me.' }] },
  ];
  // human is user, so "human,user" is one role: its turn is not repeated.
  const r = await extractLines(chats, { keyPath: 'conversations', chat: { format: 'sharegpt', roles: ['human', 'system', 'user'], turns: 'first' } });
  assert.deepEqual(r.texts, ['You are a bank.\n\nWhere is my card?']);
  assert.deepEqual(r.rejects, [
    [2, 'no_turn', 'no user turn with text (turns user (empty), assistant)', true],
    [3, 'no_turn', 'no user turn with text (turns assistant)', true],
  ]);
});

test('a template over two fields; a record whose field is empty or missing is rejected naming the field', async () => {
  const docs = [{ title: 'Rates', body: 'Up again.' }, { title: 'Jobs', body: '' }, { body: 'No title' }, { title: 'Wages', body: 'Flat.' }];
  const r = await extractLines(docs, { keyPath: 'text', template: '{title}\\n\\n{body}' });
  assert.deepEqual(r.texts, ['Rates\n\nUp again.', 'Wages\n\nFlat.']);
  assert.deepEqual(r.rejects, [
    [2, 'empty_field', 'template field {body} is empty', true],
    [3, 'empty_field', 'template field {title} is missing', true],
  ]);
});

test("--id-key keeps each record's own id (strings and integers) beside the text id; --id-unique stops at a record without one", async () => {
  const recs = [{ uid: 'a-1', text: 'same words' }, { uid: 7, text: 'same words' }, { text: 'no id here' }, { uid: { x: 1 }, text: 'object id' }];
  const r = await extractLines(recs, { keyPath: 'text', idKeyPath: 'uid' });
  assert.deepEqual(r.texts, ['same words', 'same words', 'no id here', 'object id']);
  assert.deepEqual(r.userIds, ['a-1', '7', null, null]);
  await assert.rejects(extractLines(recs, { keyPath: 'text', idKeyPath: 'uid', idRequired: true }), /chat\.jsonl:3: the record has no id at "uid" .*--id-unique requires one/);
});
