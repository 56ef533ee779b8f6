/** Writes schemas/pipeline.schema.json from the settings schema (npm run schema). */
import fs from 'node:fs';
import path from 'node:path';
import { pipelineJsonSchema } from '../schemas/json-schema.js';
import { REPO_ROOT } from './repo-root.js';

const file = path.join(REPO_ROOT, 'schemas', 'pipeline.schema.json');
fs.writeFileSync(file, pipelineJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
