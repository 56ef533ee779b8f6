/** A model folder's JSON file, parsed; null when the file does not exist; a parse error names the file. */
import { readFile } from 'node:fs/promises';

export async function readJsonIfExists(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`could not parse ${file}: ${(err as Error).message}`);
  }
}
