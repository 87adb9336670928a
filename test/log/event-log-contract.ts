/**
 * The cases every EventLog implementation must pass, run by one test file per implementation
 * (sqlite-event-log.test.ts, nats-event-log.test.ts) so both are held to the same behaviour.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventLog, LoggedSealedEvent, SealedEvent } from '../../src/log/event-log.ts';

export interface LogContractOptions {
  /** Opens a new, empty log; the same `place` opens the same log again. */
  open: (place?: string) => Promise<{ log: EventLog; place: string }>;
  skip?: string;
}

let counter = 0;
// A log stores `sealed` as it is given: any text, here one that differs per event.
const ev = (userId: string, extra: Partial<SealedEvent> = {}): SealedEvent => ({
  id: `e${++counter}`,
  userId,
  sealed: Buffer.from(`event ${counter} of ${userId}`).toString('base64'),
  ...extra,
});

const withoutSeq = ({ seq: _seq, ...event }: LoggedSealedEvent): SealedEvent => event;

export function eventLogContract(name: string, { open, skip }: LogContractOptions): void {
  const it = (title: string, body: (log: EventLog) => Promise<void>): void =>
    void test(`${name}: ${title}`, { skip }, async () => {
      const { log } = await open();
      try {
        await body(log);
      } finally {
        await log.close();
      }
    });

  it('an empty log has no events and last sequence 0', async (log) => {
    assert.equal(await log.lastSeq(), 0);
    assert.equal(await log.count(), 0);
    assert.deepEqual(await log.readAfter(0, 10), []);
    assert.deepEqual(await log.readByUser('ann'), []);
    assert.deepEqual(await log.append([]), []);
  });

  it('append stores each event once, with increasing sequence numbers, in input order', async (log) => {
    const a = ev('ann');
    const b = ev('bob');
    const first = await log.append([a, b, a]);
    assert.deepEqual(
      first.map((o) => o.status),
      ['stored', 'stored', 'duplicate'],
    );
    const [sa, sb] = first.map((o) => (o.status === 'stored' ? o.seq : 0));
    assert.ok(sa! > 0 && sb! > sa!);
    const second = await log.append([b, ev('ann')]);
    assert.deepEqual(
      second.map((o) => o.status),
      ['duplicate', 'stored'],
    );
    assert.equal(await log.count(), 3);
    const all = await log.readAfter(0, 100);
    assert.deepEqual(all.slice(0, 2).map(withoutSeq), [a, b]);
    assert.deepEqual(
      all.map((e) => e.seq),
      [sa, sb, (second[1] as { seq: number }).seq],
    );
    assert.equal(await log.lastSeq(), all[2]!.seq);
  });

  it('readAfter pages through the log by sequence number', async (log) => {
    const events = Array.from({ length: 23 }, (_, i) => ev(`u${i % 4}`));
    await log.append(events);
    const seen: LoggedSealedEvent[] = [];
    for (let after = 0; ; ) {
      const page = await log.readAfter(after, 10);
      seen.push(...page);
      if (page.length < 10) break;
      after = page[page.length - 1]!.seq;
    }
    assert.deepEqual(
      seen.map((e) => e.id),
      events.map((e) => e.id),
    );
    assert.deepEqual(await log.readAfter(seen[20]!.seq, 10).then((p) => p.map((e) => e.id)), [events[21]!.id, events[22]!.id]);
    assert.deepEqual(await log.readAfter(seen[22]!.seq, 10), []);
  });

  it("readByUser returns one person's events in log order", async (log) => {
    const events = Array.from({ length: 12 }, (_, i) => ev(i % 3 === 0 ? 'ann' : `other${i}`));
    await log.append(events.slice(0, 6));
    await log.append(events.slice(6));
    const ann = await log.readByUser('ann');
    assert.deepEqual(
      ann.map((e) => e.id),
      events.filter((e) => e.userId === 'ann').map((e) => e.id),
    );
    assert.ok(ann.every((e, i) => i === 0 || e.seq > ann[i - 1]!.seq));
  });

  it('eraseUser deletes every event of the person and nothing else', async (log) => {
    const events = Array.from({ length: 30 }, (_, i) => ev(i % 2 === 0 ? 'ann' : 'bob'));
    await log.append(events);
    assert.equal(await log.eraseUser('ann'), 15);
    assert.deepEqual(await log.readByUser('ann'), []);
    assert.equal(await log.count(), 15);
    assert.ok((await log.readAfter(0, 100)).every((e) => e.userId === 'bob'));
    assert.equal((await log.readByUser('bob')).length, 15);
    assert.equal(await log.eraseUser('ann'), 0);
    assert.equal(await log.eraseUser('nobody'), 0);
  });

  test(`${name}: what was appended is there after reopening, and its ids are still taken`, { skip }, async () => {
    const first = await open();
    const a = ev('ann');
    await first.log.append([a, ev('bob')]);
    await first.log.close();
    const again = await open(first.place);
    try {
      assert.deepEqual((await again.log.readByUser('ann')).map(withoutSeq), [a]);
      assert.deepEqual(
        (await again.log.append([a])).map((o) => o.status),
        ['duplicate'],
      );
      assert.equal(await again.log.count(), 2);
    } finally {
      await again.log.close();
    }
  });
}
