// `npm run schemas`: writes schema/*.schema.json from the zod schemas (via the built dist/), so
// editors validate criteria and patient files; test/criteria/json-schemas.test.ts checks they are current.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDictionary } from '../dist/criteria/dictionary.js';
import { buildJsonSchemas, formatJsonSchema } from '../dist/criteria/json-schemas.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fields = `${root}criteria/fields.yaml`;
const dict = parseDictionary(readFileSync(fields, 'utf8'), fields);
mkdirSync(`${root}schema`, { recursive: true });
for (const [name, schema] of Object.entries(buildJsonSchemas(dict))) {
  writeFileSync(`${root}schema/${name}`, formatJsonSchema(schema));
  console.log(`wrote schema/${name}`);
}
