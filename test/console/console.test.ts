// The console in a real browser (Debian's chromium through playwright-core), against a real server: a person's feed
// from sign-in to erasure, the engine's live charts, the audit verification (and its failure on a tampered proof),
// and refusals by role. Each page is photographed at phone and desktop size into docs/screenshots/.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/start.ts';
import { answer, byId, clientFor, reply, type MoteurClient } from '../support/client.ts';
import { apiKey, event, tempDir, TEST_REGIONS, videos } from '../support/fixtures.ts';
import { DESKTOP, launchBrowser, noBrowser, PHONE, type Browser } from './browser.ts';

const skip = noBrowser();
if (skip) console.log(`# ${skip}`);

const SCREENSHOTS = 'docs/screenshots';
const PERSONAL_SOURCES = new Set(['followed', 'item-graph', 'embedding', 'co-engaged', 'affinity', 'content-similar']);
const dataDir = tempDir();
const keys = { app: apiKey(dataDir, 'app'), analyst: apiKey(dataDir, 'analyst'), auditor: apiKey(dataDir, 'auditor'), admin: apiKey(dataDir, 'admin') };
let server: RunningServer;
let browser: Browser;
let admin: MoteurClient;

before(async () => {
  if (skip) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startServer({ dataDir, port: 0, regions: TEST_REGIONS });
  admin = clientFor(server, keys.admin);
  // Content embeddings by topic, so similar videos are drawn in similar colours.
  const catalog = videos(80, 8, 6).map((v, i) => ({
    ...v,
    embedding: Array.from({ length: 32 }, (_, d) => Math.sin((i % 5) * 1.7 + d) + 0.1 * Math.cos(i + d)),
  }));
  assert.equal((await answer(admin.POST('/v1/videos', { body: { videos: catalog } }))).stored, 80);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(key: string, viewport = DESKTOP, url = server.url, hash = '') {
  const { page, errors } = await browser.page(viewport);
  await page.goto(`${url}/${hash}`);
  await page.getByTestId('api-key').fill(key);
  await page.getByTestId('sign-in').click();
  return { page, errors };
}

/** Photographs the page, after checking that every control on it has a name a screen reader can say. */
async function shoot(page: Page, name: string, viewport: typeof PHONE) {
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('button, input, select, a[href], [role="switch"], [tabindex]')]
      .filter((el) => {
        const labelled = el.id !== '' && document.querySelector(`label[for="${el.id}"]`) !== null;
        const text = (el.getAttribute('aria-label') ?? '') + (el.closest('label')?.textContent ?? '') + (el.textContent ?? '');
        return !labelled && text.trim() === '';
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unnamed, [], `controls without a name on the ${name} page`);
  await page.screenshot({ path: `${SCREENSHOTS}/${name}-${viewport === PHONE ? 'phone' : 'desktop'}.png` });
}

/** The card on screen: its video, its source, and the page it came with. */
async function currentCard(page: Page) {
  const card = page.getByTestId('feed-item');
  await card.waitFor();
  return {
    videoId: (await card.getAttribute('data-video-id'))!,
    source: (await card.getAttribute('data-source'))!,
    page: Number(await card.getAttribute('data-page')),
  };
}

async function next(page: Page, how: 'button' | 'key' = 'button') {
  const before = await currentCard(page);
  if (how === 'key') await page.locator('.phone').press('ArrowDown');
  else await page.getByTestId('next').click();
  // The next card is another video, or the same id on the next page.
  await page.waitForFunction(
    ([id, p]) => {
      const card = document.querySelector('[data-testid="feed-item"]');
      return card && (card.getAttribute('data-video-id') !== id || card.getAttribute('data-page') !== p);
    },
    [before.videoId, String(before.page)],
  );
  return currentCard(page);
}

test('a person scrolls, likes, asks why, turns personalisation off, exports and erases their data', { skip }, async () => {
  const { page, errors } = await signIn(keys.admin);
  const first = await currentCard(page);
  assert.equal(first.page, 1);
  assert.ok(!PERSONAL_SOURCES.has(first.source), `a new person's first card comes from no personal source, not ${first.source}`);
  const personId = (await page.locator('.person').innerText()).match(/@(\S+)/)![1]!;

  // Five cards scrolled (by button and by keyboard); each one left is sent as a play.
  const seen = [first.videoId];
  for (let i = 0; i < 5; i++) seen.push((await next(page, i % 2 === 0 ? 'button' : 'key')).videoId);
  assert.equal(new Set(seen).size, 6);

  const liked = await answer(admin.GET('/v1/videos/{id}', byId(seen[5]!)));
  await page.getByTestId('like').click();
  await page.getByText('Liked').waitFor();

  // The next page is made from what was just learned: videos from sources that read the person.
  let card = await currentCard(page);
  while (card.page === 1) card = await next(page);
  const pageTwo = [card];
  for (let i = 0; i < 4; i++) pageTwo.push(await next(page));
  assert.ok(
    pageTwo.some((c) => PERSONAL_SOURCES.has(c.source)),
    `page 2 sources: ${pageTwo.map((c) => c.source)}`,
  );
  const events = await answer(admin.GET('/v1/users/{id}/export', byId(personId)));
  assert.ok(
    events.events.some((e) => e.type === 'like' && e.videoId === liked.id),
    'the like was stored',
  );
  assert.ok(events.events.filter((e) => e.type === 'play').length >= 6, 'each card left was sent as a play');

  await page.getByTestId('why-open').click();
  const why = page.getByTestId('why');
  await why.waitFor();
  assert.match(await why.innerText(), new RegExp(`Found by the ${pageTwo.at(-1)!.source} source`));
  assert.ok((await why.locator('.bar-row').count()) >= 3, 'a bar per predicted outcome');
  await shoot(page, 'feed', DESKTOP);

  // Personalisation off: the feed starts again from popular and new videos only.
  await page.getByTestId('personalized').click();
  await page.getByText('not personalised').waitFor();
  await page.locator('[data-testid="feed-item"][data-page="1"]').waitFor();
  const unpersonal = [await currentCard(page)];
  for (let i = 0; i < 4; i++) unpersonal.push(await next(page));
  assert.ok(
    unpersonal.every((c) => !PERSONAL_SOURCES.has(c.source)),
    `sources without personalisation: ${unpersonal.map((c) => c.source)}`,
  );

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  assert.equal(download.suggestedFilename(), `moteur-export-${personId}.json`);
  assert.equal(exported.user.id, personId);
  assert.equal(exported.user.settings.personalized, false);

  await page.getByTestId('erase').click();
  await page.getByTestId('erase-confirm').click();
  await page.getByText(`${personId} erased`).waitFor();
  const gone = await reply(admin.GET('/v1/users/{id}', byId(personId)));
  assert.equal(gone.status, 404);
  // A fresh person opens, with the default settings.
  await page.waitForFunction((erased) => !document.querySelector('.person')?.textContent?.includes(erased), personId);
  assert.doesNotMatch(await page.locator('.person').innerText(), /not personalised/);
  assert.deepEqual(errors, []);
});

test('on a phone: keyword filters, switching person, and opening at once on the person chosen last', { skip }, async () => {
  const { page, errors } = await signIn(keys.app, PHONE);
  await currentCard(page);
  await shoot(page, 'feed', PHONE);

  // Every video of topic3 carries it as a hashtag: filtered, none is shown.
  await page.getByTestId('keywords').fill('topic3');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Keyword filters saved').waitFor();
  await page.locator('[data-testid="feed-item"][data-page="1"]').waitFor();
  for (let i = 0; i < 5; i++) {
    assert.doesNotMatch(await page.getByTestId('feed-item').innerText(), /#topic3/);
    await next(page);
  }

  // The simulated crowd scrolls through the API until it is turned off.
  await page.getByTestId('crowd').click();
  await page
    .getByTestId('crowd-status')
    .filter({ hasText: /Crowd: ([3-9]|\d\d+) pages/ })
    .waitFor();
  await page.getByTestId('crowd').click();
  await page.getByTestId('crowd-status').waitFor({ state: 'detached' });
  const crowdPerson = await answer(admin.GET('/v1/users/{id}/export', byId('crowd-1')));
  assert.equal(crowdPerson.user.id, 'crowd-1');

  await page.getByTestId('person').fill('phone-person');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.locator('.person', { hasText: '@phone-person' }).waitFor();
  await currentCard(page);
  const again = await signIn(keys.app, PHONE);
  await again.page.locator('.person', { hasText: '@phone-person' }).waitFor();
  await currentCard(again.page);
  assert.deepEqual([...errors, ...again.errors], []);
});

test('the engine page draws the server metrics live', { skip }, async () => {
  // Traffic while the page watches: feeds served and events sent between its scrapes.
  const app = clientFor(server, keys.app);
  const traffic = (async () => {
    for (let round = 0; round < 6; round++) {
      for (const person of ['e1', 'e2', 'e3']) {
        const feed = await answer(app.GET('/v1/users/{id}/feed', byId(person, { n: 5 })));
        const events = feed.items.flatMap((item, i) => [
          event(person, item.videoId, 'play', { watchMs: item.durationMs * (i % 2 ? 1 : 0.3) }),
          ...(i === 0 ? [event(person, item.videoId, 'like')] : []),
        ]);
        await answer(app.POST('/v1/events', { body: { events } }));
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  for (const viewport of [DESKTOP, PHONE]) {
    const { page, errors } = await signIn(keys.analyst, viewport);
    await page.getByTestId('health').waitFor();
    // Two scrapes make the first point of every chart; the desktop picture waits for a line.
    const points = viewport === DESKTOP ? 3 : 1;
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-points')) >= n, points, { timeout: 15_000 });
    assert.doesNotMatch(await page.getByTestId('chart').first().innerText(), /waiting/);
    assert.equal(await page.getByTestId('chart').count(), 6);
    assert.match(await page.getByTestId('sources').innerText(), /%/);
    assert.match(await page.getByTestId('exploration').innerText(), /new videos getting their guaranteed audience/);
    await shoot(page, 'engine', viewport);
    assert.deepEqual(errors, []);
  }
  await traffic;
});

test('an auditor verifies the ledger in the browser, and a tampered proof fails visibly', { skip }, async () => {
  for (const viewport of [DESKTOP, PHONE]) {
    const { page, errors } = await signIn(keys.auditor, viewport);
    await page.getByTestId('verify').click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-ok'), 'true', await result.innerText());
    assert.match(await result.innerText(), /signature verifies[\s\S]*Consistency[\s\S]*Inclusion/);
    await shoot(page, 'audit', viewport);
    assert.deepEqual(errors, []);
  }

  // A stand-in for the server that passes everything through but flips a bit of every inclusion proof.
  const double = await tamperingProxy(server.url);
  try {
    const { page } = await signIn(keys.auditor, DESKTOP, double.url);
    // The auditor's own copy of the key, typed once the page has loaded what the server states.
    await page.getByText('This key is the one the server states').waitFor();
    await page.getByTestId('verifier-key').fill(server.moteur.ledger.verifierKey());
    await page.getByTestId('verify').click();
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-ok'), 'false');
    const failed = page.locator('[data-testid="verify-step"][data-ok="false"]');
    assert.match(await failed.innerText(), /Inclusion of entry \d+.*the computed root does not match/);
    assert.ok(await failed.isVisible());
  } finally {
    await double.close();
  }
});

test('a page the role may not see shows the server refusal', { skip }, async () => {
  const { page } = await signIn(keys.app, DESKTOP, server.url, '#engine');
  const refusal = page.getByTestId('refusal');
  await refusal.waitFor();
  assert.equal(await refusal.getAttribute('data-status'), '403');
  assert.match(await refusal.innerText(), /Refused by the server: test-app \(app\) may not readMetrics/);
  assert.deepEqual(await page.locator('header nav a').allInnerTexts(), ['Feed']);

  const auditor = await signIn(keys.auditor, DESKTOP, server.url, '#feed');
  await auditor.page.getByTestId('refusal').waitFor();
  assert.match(await auditor.page.getByTestId('refusal').innerText(), /may not/);

  const wrong = await signIn('mk_not_a_key');
  assert.match(await wrong.page.getByTestId('refusal').innerText(), /Not signed in/);
  await wrong.page.getByTestId('api-key').waitFor();
});

/** A real HTTP server in front of `target` that alters the first hash of every inclusion proof it relays. */
async function tamperingProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const proxy: Server = createServer(async (req, res) => {
    const upstream = await fetch(target + req.url, { headers: { authorization: req.headers.authorization ?? '' } });
    let body = Buffer.from(await upstream.arrayBuffer());
    if (req.url?.startsWith('/v1/ledger/proofs/inclusion') && upstream.ok) {
      const answer = JSON.parse(body.toString());
      if (answer.proof.length > 0) {
        const first = Buffer.from(answer.proof[0], 'base64');
        first[0]! ^= 1;
        answer.proof[0] = first.toString('base64');
      }
      body = Buffer.from(JSON.stringify(answer));
    }
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' });
    res.end(body);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise((resolve) => proxy.close(() => resolve())) };
}
