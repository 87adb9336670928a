import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderHtmlReport } from '../../src/eval/report/html.ts';
import { writeChartPngs, writeHtmlReport } from '../../src/eval/report/outputs.ts';
import { boxPlot, lineChart, niceTicks, summarise } from '../../src/eval/report/svg.ts';

const chart = lineChart({
  id: 'recall-by-k',
  title: 'Recall@K <val>',
  xLabel: 'K',
  yLabel: 'Recall',
  logX: true,
  xTicks: [10, 20, 50],
  series: [
    {
      name: 'engine',
      points: [
        [10, 0.1],
        [20, 0.15],
        [50, 0.3],
      ],
    },
    {
      name: 'random',
      points: [
        [10, 0.001],
        [20, NaN],
        [50, 0.01],
      ],
    },
  ],
});

test('niceTicks covers the range with round steps', () => {
  assert.deepEqual(niceTicks(0, 0.18), [0, 0.05, 0.1, 0.15, 0.2]);
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(3, 3), [3]);
});

test('summarise gives interpolated quartiles and ignores non-finite values', () => {
  const s = summarise([4, 1, 3, 2, NaN, 5]);
  assert.equal(s.count, 5);
  assert.equal(s.median, 3);
  assert.equal(s.q1, 2);
  assert.equal(s.q3, 4);
  assert.equal(s.mean, 3);
  assert.equal(summarise([]).count, 0);
});

test('a line chart is one escaped SVG document with a line per drawable series', () => {
  assert.match(chart.svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(chart.svg.includes('Recall@K &lt;val&gt;'));
  assert.ok(!chart.svg.includes('<val>'));
  assert.equal(chart.svg.match(/<polyline/g)?.length, 2);
  assert.ok(!chart.svg.includes('NaN'));
});

test('a box plot draws a box per group that has values', () => {
  const box = boxPlot({
    id: 'b',
    title: 'per user',
    yLabel: 'NDCG@10',
    groups: [
      { name: 'a', values: [0, 0.5, 1] },
      { name: 'empty', values: [] },
    ],
  });
  assert.equal(box.svg.match(/<rect x=/g)?.length, 1); // one box; the empty group gets only its name
});

test('the HTML page is self-contained and holds tables, charts and the figures', () => {
  const html = renderHtmlReport({
    title: 'T & co',
    sections: [
      {
        heading: 'H',
        tables: [
          {
            columns: ['model', 'recall@20'],
            rows: [
              ['engine', 0.123456],
              ['x', undefined],
            ],
          },
        ],
        charts: [chart],
      },
    ],
    data: { a: 1 },
  });
  assert.ok(html.startsWith('<!doctype html>'));
  assert.ok(html.includes('T &amp; co'));
  assert.ok(html.includes('<td>0.1235</td>'));
  assert.ok(html.includes('<td>–</td>'));
  assert.ok(html.includes('<svg'));
  assert.ok(!/<script|src=|href=/.test(html));
  assert.ok(html.includes('&quot;a&quot;: 1'));
});

test('PNG files are written per chart, and an unwritable path fails with its name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'moteur-report-'));
  try {
    const [path] = await writeChartPngs(join(dir, 'png'), [chart]);
    assert.equal(path, join(dir, 'png', 'recall-by-k.png'));
    assert.deepEqual([...readFileSync(path!).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    writeFileSync(join(dir, 'file'), '');
    assert.throws(
      () => writeHtmlReport(join(dir, 'file', 'r.html'), { title: 't', sections: [] }),
      (err: Error) => err.message.includes(join(dir, 'file', 'r.html')),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
