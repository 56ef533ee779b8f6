/**
 * Which stop words a cluster's keywords drop, chosen from the cluster's own texts: by script
 * first (a word in Han letters can only be a Chinese or Japanese stop word), then, among the
 * languages written in that script, by the one whose stop words the texts use most — the
 * stop-word profile method of language identification (Grefenstette, "Comparing two language
 * identification schemes", JADT 1995: counting frequent short words picks the language of a
 * sentence of 15+ words 99% of the time). A cluster holds many texts, so even short queries
 * add up to enough words.
 *
 * Each script seen in a cluster gets its own language, and the stop words are their union:
 * words of different scripts never collide, so a cluster of English questions quoting Chinese
 * names loses the stop words of both. Han letters count as Japanese when the cluster also
 * writes kana (Japanese mixes both; Chinese writes no kana), so Japanese kanji are never
 * checked against the Chinese list.
 *
 * Input: stop-word lists by language code (lower case, any order), and per cluster the words
 * of some of its texts (core/keywords/keyword-terms.ts's segmentation, before stop words go).
 */

/** Scripts told apart; letters of any other script count as "Other" (no stop words). */
const SCRIPTS: readonly [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Han', /\p{Script=Han}/u],
  ['Kana', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Bengali', /\p{Script=Bengali}/u],
  ['Gujarati', /\p{Script=Gujarati}/u],
];
const LETTER = /\p{L}/u;
// Most words are ASCII, whose only letters are Latin: testing that first skips the per-letter
// script search, which was 0.8 s of the 2.0 s that choosing languages took at 200k synthetic
// Banking77 rows, k = 1000 (--cpu-prof).
const ASCII = /^[\x00-\x7f]*$/;
const ASCII_LETTER = /[a-z]/i;
const SURROGATE = /[\ud800-\udbff]/;
/** Kana letters per Han letter above which Han counts as Japanese: Japanese prose runs ~1–2 kana per kanji, Chinese none. */
const KANA_SHARE = 0.1;

/** The script of most of `word`'s letters, "Other" for letters of no listed script, null for no letters. */
export function scriptOf(word: string): string | null {
  if (ASCII.test(word)) return ASCII_LETTER.test(word) ? 'Latin' : null;
  const counts = new Map<string, number>();
  for (const ch of word) {
    if (!LETTER.test(ch)) continue;
    const s = SCRIPTS.find(([, re]) => re.test(ch))?.[0] ?? 'Other';
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return mostCounted(counts);
}

/** The key with the largest count (the first of a tie), null for an empty map. */
function mostCounted(counts: ReadonlyMap<string, number>): string | null {
  let best: string | null = null;
  for (const [key, n] of counts) if (best === null || n > counts.get(best)!) best = key;
  return best;
}

export class KeywordLanguages {
  /** Language codes, in the order given (ties go to the earlier one). */
  private readonly languages: string[];
  /** Script of each language: the script of most of its stop words (Japanese: Kana). */
  private readonly scriptOfLanguage: (string | null)[];
  /** Stop word → the languages (indices) that list it. */
  private readonly listedIn = new Map<string, number[]>();
  /** Per cluster: letters per script, stop-word hits per language. */
  private readonly letters: Map<string, number>[];
  private readonly hits: Uint32Array[];

  constructor(lists: ReadonlyMap<string, ReadonlySet<string>>, clusters: number) {
    this.languages = [...lists.keys()];
    const sets = [...lists.values()];
    this.scriptOfLanguage = sets.map((list) => {
      const votes = new Map<string, number>();
      for (const w of list) {
        const s = scriptOf(w);
        if (s) votes.set(s, (votes.get(s) ?? 0) + 1);
      }
      return mostCounted(votes);
    });
    sets.forEach((list, l) => {
      for (const w of list) {
        const at = this.listedIn.get(w);
        if (at) at.push(l);
        else this.listedIn.set(w, [l]);
      }
    });
    this.letters = Array.from({ length: clusters }, () => new Map());
    this.hits = Array.from({ length: clusters }, () => new Uint32Array(this.languages.length));
  }

  /** Counts the scripts and stop words of one text's words (lower case) for `cluster`. */
  add(cluster: number, words: readonly string[]): void {
    const letters = this.letters[cluster];
    const hits = this.hits[cluster];
    for (const w of words) {
      const s = scriptOf(w);
      if (s) letters.set(s, (letters.get(s) ?? 0) + (SURROGATE.test(w) ? [...w].length : w.length));
      const at = this.listedIn.get(w);
      if (at) for (const l of at) hits[l]++;
    }
  }

  /** The languages chosen for `cluster`, one per script it writes in that some list covers. */
  choose(cluster: number): string[] {
    const letters = new Map(this.letters[cluster]);
    const han = letters.get('Han') ?? 0;
    const kana = letters.get('Kana') ?? 0;
    if (han > 0 && kana >= KANA_SHARE * han) {
      letters.set('Kana', kana + han);
      letters.delete('Han');
    }
    const hits = this.hits[cluster];
    const out: string[] = [];
    for (const script of letters.keys()) {
      let best = -1;
      for (let l = 0; l < this.languages.length; l++) {
        if (this.scriptOfLanguage[l] === script && (best < 0 || hits[l] > hits[best])) best = l;
      }
      if (best >= 0) out.push(this.languages[best]);
    }
    return out.sort();
  }
}
