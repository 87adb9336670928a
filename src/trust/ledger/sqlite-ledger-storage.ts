/**
 * The embedded ledger storage: `ledger.db`, owned by a thread of its own (sqlite-ledger-worker.ts) that
 * hashes and writes each batch. This side only forwards calls: an append costs the main thread a message,
 * not the hashing and the synced transaction. Calls are answered in the order they are made.
 */
import { RequestWorker } from '../../core/request-worker.ts';
import type { LedgerIdentity, LedgerStorage, NodeKey } from './storage.ts';

export type LedgerRequest =
  | { op: 'size' }
  | { op: 'append'; packed: Uint8Array; lengths: number[] }
  | { op: 'nodes'; keys: readonly NodeKey[] }
  | { op: 'entries'; start: number; end: number }
  | { op: 'bindIdentity'; identity: LedgerIdentity };

/** Blobs come back from the thread as plain byte arrays; the ledger compares and encodes them as Buffers. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export class SqliteLedgerStorage implements LedgerStorage {
  private constructor(private readonly thread: RequestWorker<LedgerRequest, unknown>) {}

  static open(path: string): SqliteLedgerStorage {
    return new SqliteLedgerStorage(new RequestWorker(new URL('./sqlite-ledger-worker.ts', import.meta.url), { path }, 'ledger'));
  }

  async size(): Promise<number> {
    return (await this.thread.request({ op: 'size' })) as number;
  }

  /**
   * The entries travel packed in one buffer that is handed over, not copied: a Buffer made from a string is
   * a view into a shared pool, and sending it alone would copy the whole pool.
   */
  async append(entries: readonly Buffer[]): Promise<number> {
    const packed = new Uint8Array(entries.reduce((sum, e) => sum + e.length, 0));
    let at = 0;
    for (const e of entries) {
      packed.set(e, at);
      at += e.length;
    }
    return (await this.thread.request({ op: 'append', packed, lengths: entries.map((e) => e.length) }, [packed.buffer])) as number;
  }

  async nodes(keys: readonly NodeKey[]): Promise<Map<string, Buffer>> {
    const found = (await this.thread.request({ op: 'nodes', keys })) as Map<string, Uint8Array>;
    return new Map([...found].map(([key, hash]) => [key, asBuffer(hash)]));
  }

  async entries(start: number, end: number): Promise<{ index: number; bytes: Buffer }[]> {
    const rows = (await this.thread.request({ op: 'entries', start, end })) as { index: number; bytes: Uint8Array }[];
    return rows.map((r) => ({ index: r.index, bytes: asBuffer(r.bytes) }));
  }

  async bindIdentity(identity: LedgerIdentity): Promise<LedgerIdentity> {
    return (await this.thread.request({ op: 'bindIdentity', identity })) as LedgerIdentity;
  }

  /** Waits for every call already made to be answered (the last batch on disk), then stops the thread. */
  close(): Promise<void> {
    return this.thread.close();
  }
}
