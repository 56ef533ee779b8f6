/**
 * The records' own ids (--id-key) once embed has written rows/: how many records have none
 * and how many repeat an earlier record's id, with the first repeat's two lines so a refusal
 * (--id-unique) can name them. DuckDB counts over the user_id column, so memory holds its
 * hash table of distinct ids, not the rows, and a resumed or sharded run counts every part.
 */
import { ROWS } from '../../schemas/tables.js';
import { SemclustError } from '../../core/util/semclust-error.js';
import { withRunDatabase } from '../duckdb/duckdb-views.js';

export interface UserIdCounts {
  /** Records without an id at the key path (null user_id). */
  missing: number;
  /** Records whose id an earlier record (by file and line) already has. */
  duplicated: number;
  /** The first repeated id and where its first two records are (source:line). */
  example: { user_id: string; first: string; second: string } | null;
}

export async function countUserIds(outDir: string): Promise<UserIdCounts> {
  const r = ROWS.col;
  return withRunDatabase(outDir, async (conn) => {
    const [missing, duplicated] = (
      await conn.runAndReadAll(`SELECT (count(*) - count(${r.user_id}))::BIGINT, (count(${r.user_id}) - count(DISTINCT ${r.user_id}))::BIGINT FROM ${ROWS.name}`)
    ).getRowsJS()[0].map(Number);
    if (duplicated === 0) return { missing, duplicated, example: null };
    const [row] = (
      await conn.runAndReadAll(`
        SELECT ${r.user_id}, list(${r.source} || ':' || ${r.line} ORDER BY ${r.source}, ${r.line})[1:2] AS at
        FROM ${ROWS.name} WHERE ${r.user_id} IS NOT NULL
        GROUP BY 1 HAVING count(*) > 1 ORDER BY min((${r.source}, ${r.line})) LIMIT 1`)
    ).getRowsJS() as [string, string[]][];
    return { missing, duplicated, example: { user_id: row[0], first: row[1][0], second: row[1][1] } };
  });
}

/**
 * After embed (one process, or the merge of its shards): counts the ids, says what is missing
 * or repeated, and under --id-unique refuses a repeat naming its first two lines.
 */
export async function checkUserIds(outDir: string, idKey: string, unique: boolean, log: (line: string) => void): Promise<{ user_ids_missing: number; user_ids_duplicated: number }> {
  const { missing, duplicated, example } = await countUserIds(outDir);
  const fmt = (n: number) => n.toLocaleString('en-US');
  if (missing > 0) log(`embed: ${fmt(missing)} records have no id at ${idKey} (user_id null)`);
  if (example) {
    const where = `"${example.user_id}" first at ${example.first} and again at ${example.second}`;
    if (unique) {
      throw new SemclustError(`${fmt(duplicated)} records repeat an earlier record's id at ${idKey}, e.g. ${where}; --id-unique refuses them: fix the ids, or leave --id-unique out to keep them (counted)`);
    }
    log(`embed: ${fmt(duplicated)} records repeat an earlier record's id at ${idKey}, e.g. ${where}`);
  }
  return { user_ids_missing: missing, user_ids_duplicated: duplicated };
}
