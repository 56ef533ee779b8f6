/** The demo corpus that `npm start` (or `npm run corpus`) builds from an npm package: docs/corpus.md. */
export const SOTU = 'out/corpus/sotu.jsonl';
