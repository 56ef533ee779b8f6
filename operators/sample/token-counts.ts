/**
 * Token counts of the population's rows for `--sample-tokens` (issue 22), as the temporary DuckDB
 * table `token_counts (id, tokens)` over the labelled ids (dedup's kept ids when dedup ran):
 *
 * - `words`: runs of non-space characters (regexp \S+), counted by DuckDB;
 * - `chars`: Unicode code points (DuckDB's length), counted by DuckDB;
 * - `tokenizer:WHERE`: the ids a Hugging Face tokenizer.json gives the text without special
 *   tokens (@huggingface/tokenizers, as the embedders load it), WHERE the file, the folder that
 *   holds it, or a hub id (OWNER/NAME), whose tokenizer.json and tokenizer_config.json alone are
 *   fetched into the hub cache as `--tokenizer` does for `--truncate client` (HF_HUB_OFFLINE=1
 *   reads only the cache). The texts stream from DuckDB; the ids and counts go back through an appender.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Tokenizer } from '@huggingface/tokenizers';
import { LABELS, ROWS } from '../../schemas/tables.js';
import { HUB_ID, resolveTokenizer, type ResolveModelOptions } from '../embedders/hub-download.js';
import { readJsonIfExists } from '../embedders/read-json.js';

/** The tokenizer.json a `tokenizer:WHERE` counter names: the file, in the folder, or fetched from the hub. */
async function tokenizerFile(spec: string, where: string, options: ResolveModelOptions): Promise<string> {
  const found = fs.existsSync(where) ? fs.statSync(where) : null;
  if (found?.isFile()) return where;
  if (found?.isDirectory()) return path.join(where, 'tokenizer.json');
  // Neither a file, a folder nor a hub id: the caller says it does not exist.
  if (!HUB_ID.test(where)) return where;
  try {
    return path.join((await resolveTokenizer(where, options)).dir, 'tokenizer.json');
  } catch (err) {
    throw new Error(`--token-counter ${spec}: ${(err as Error).message}`);
  }
}

/** Loads the tokenizer a `tokenizer:WHERE` counter names; a clear error when it cannot. */
export async function loadTokenizer(spec: string, options: ResolveModelOptions = {}): Promise<Tokenizer> {
  const file = await tokenizerFile(spec, spec.slice('tokenizer:'.length), options);
  if (!fs.existsSync(file)) {
    throw new Error(
      `--token-counter ${spec}: ${file} does not exist; give the tokenizer.json of the model whose tokens you count, its folder, or its hub id (tokenizer:OWNER/NAME, fetched into the hub cache)`,
    );
  }
  try {
    const config = (await readJsonIfExists(path.join(path.dirname(file), 'tokenizer_config.json'))) ?? {};
    return new Tokenizer(JSON.parse(await fs.promises.readFile(file, 'utf8')), config as object);
  } catch (err) {
    throw new Error(`--token-counter ${spec}: ${file} could not be loaded as a tokenizer.json: ${(err as Error).message}`);
  }
}

/** Creates `token_counts (id, tokens)` for every labelled id, counted by `counter`. */
export async function loadTokenCounts(conn: DuckDBConnection, counter: string): Promise<void> {
  const r = ROWS.col;
  // One text per id: ids are hashes of the text, so any row of an id has the same text.
  const texts = `SELECT ${r.id} AS id, any_value(${r.text}) AS text FROM ${ROWS.name} SEMI JOIN ${LABELS.name} USING (${r.id}) GROUP BY 1`;
  if (counter === 'words' || counter === 'chars') {
    const count = counter === 'words' ? "len(regexp_extract_all(text, '\\S+'))" : 'length(text)';
    await conn.run(`CREATE OR REPLACE TEMP TABLE token_counts AS SELECT id, ${count}::INTEGER AS tokens FROM (${texts})`);
    return;
  }
  const tokenizer = await loadTokenizer(counter);
  // The counts are appended after the stream ends: an appender flushing on the connection of an
  // open stream would end it. The sample stage holds its picks in memory already; these are 2
  // values per row more.
  const ids: string[] = [];
  const counts: number[] = [];
  const result = await conn.stream(texts);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const idv = chunk.getColumnVector(0);
    const textv = chunk.getColumnVector(1);
    for (let i = 0; i < chunk.rowCount; i++) {
      ids.push(idv.getItem(i) as string);
      counts.push(tokenizer.encode(textv.getItem(i) as string, { add_special_tokens: false }).ids.length);
    }
  }
  await conn.run('CREATE OR REPLACE TEMP TABLE token_counts (id VARCHAR, tokens INTEGER)');
  const appender = await conn.createAppender('token_counts');
  try {
    ids.forEach((id, i) => {
      appender.appendVarchar(id);
      appender.appendInteger(counts[i]);
      appender.endRow();
    });
  } finally {
    appender.closeSync();
  }
}
