import { join } from 'node:path';
import { SqliteEventLog } from '../../src/log/sqlite/sqlite-event-log.ts';
import { tempDir } from '../support/fixtures.ts';
import { eventLogContract } from './event-log-contract.ts';

const dir = tempDir();
let files = 0;
eventLogContract('SqliteEventLog', {
  open: async (place = join(dir, `events-${++files}.db`)) => ({ log: SqliteEventLog.open(place), place }),
});
