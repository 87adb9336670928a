// Writes the error-code catalogue (src/core/error-codes.ts) into docs/api.md between its markers; test/core/error-codes.test.ts checks they agree.
import { readFileSync, writeFileSync } from 'node:fs';
import { errorCodeSection } from '../src/core/error-codes.ts';

const path = new URL('../docs/api.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const updated = errorCodeSection.replaceIn(doc);
if (updated === undefined) {
  console.error(`docs/api.md has no "${errorCodeSection.start}" ... "${errorCodeSection.end}" section: add the two markers where the table goes`);
  process.exit(2);
}
writeFileSync(path, updated);
