/** The pipeline YAML's JSON Schema, generated from the one settings schema (for editors). */
import { z } from 'zod';
import { Settings } from './config.js';

export function pipelineJsonSchema(): string {
  const schema = z.toJSONSchema(Settings, { io: 'input' }) as Record<string, unknown>;
  return JSON.stringify({ ...schema, title: 'semclust pipeline', description: 'Settings of a semclust pipeline file (the same keys as the command-line flags).' }, null, 2) + '\n';
}
