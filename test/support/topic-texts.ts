/** Small corpora of distinct topics for pipeline tests: unique texts, each topic its own words. */
import fs from 'node:fs';

export const TOPICS = [
  ['card', 'arrived', 'delivery', 'post', 'mail', 'waiting', 'track', 'shipped'],
  ['exchange', 'rate', 'currency', 'euro', 'dollar', 'conversion', 'foreign', 'pound'],
  ['pin', 'blocked', 'locked', 'reset', 'forgot', 'code', 'unlock', 'attempts'],
  ['refund', 'merchant', 'return', 'purchase', 'dispute', 'charge', 'money', 'back'],
];

/** General words mixed in so that no two texts embed to the same point. */
const FILLER = ['today', 'again', 'please', 'quickly', 'still', 'now', 'really', 'yesterday', 'online', 'abroad', 'twice', 'finally',
  'urgently', 'recently', 'already', 'somehow', 'tonight', 'usually', 'sadly', 'honestly', 'maybe', 'early', 'late', 'soon',
  'here', 'there', 'home', 'work', 'weekend', 'morning', 'evening'];

/** `perTopic` (< 899) texts per topic as JSONL records {text, topic}; returns the texts in file order. */
export function writeTopicTexts(file: string, perTopic: number): string[] {
  const texts: string[] = [];
  for (let i = 0; i < perTopic; i++) {
    TOPICS.forEach((words, t) => {
      const pick = (j: number) => words[(i * (j + 3) + j) % words.length];
      // (i mod 31, 7i + 3 mod 29) differs for every i < 899: each text has its own filler pair.
      texts.push(`my ${pick(0)} ${pick(1)} ${pick(2)} ${pick(3)} ${FILLER[i % 31]} ${FILLER[(i * 7 + 3) % 29]} ${t}${i}`);
    });
  }
  fs.writeFileSync(file, texts.map((text, k) => JSON.stringify({ text, topic: k % TOPICS.length })).join('\n') + '\n');
  return texts;
}
