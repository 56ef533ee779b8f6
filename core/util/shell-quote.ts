/**
 * POSIX shell quoting of one word (sh, bash, dash): words of safe characters stay bare, anything
 * else is single-quoted with each ' written as '\''. Used for the command lines that launch
 * renders into job scripts and prints for the user to paste.
 */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(word: string): string {
  return SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
