// semclust as a library: the embed operators composed by hand over a JSONL file.
//   node examples/library.mjs chats.jsonl      (records with the text at request.messages[0].content)
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { embedRows, extractTexts, openStaticModel, readLines } from 'semclust';

const file = process.argv[2];
if (!file) {
  console.error('usage: node examples/library.mjs FILE.jsonl  (records with the text at request.messages[0].content)');
  process.exit(2);
}
const model = await openStaticModel();
let rows = 0;
let vectors = 0;
await pipeline(
  Readable.from(readLines([file], { maxLineBytes: 1 << 20 })),
  extractTexts({ keyPath: 'request.messages[0].content' }),
  embedRows(model, { batchSize: 512 }),
  async (batches) => {
    for await (const b of batches) {
      rows += b.ids.length;
      vectors += b.embeddedIds.length;
    }
  },
);
await model.close();
console.log(JSON.stringify({ rows, vectors, dims: model.dims }));
