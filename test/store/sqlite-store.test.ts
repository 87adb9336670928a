import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { tempDir } from '../support/fixtures.ts';
import { storeContract } from './store-contract.ts';

const dir = tempDir();
let files = 0;
storeContract('SqliteStore', {
  open: async (place = join(dir, `store-${++files}.db`)) => ({ store: SqliteStore.open(place), place }),
});
