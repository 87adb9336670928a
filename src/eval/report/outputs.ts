import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { MoteurError } from '../../core/errors.ts';
import { renderHtmlReport, type ReportPage } from './html.ts';
import type { Chart } from './svg.ts';

/** Writes the HTML page (creating its folder); fails with the path when it cannot. */
export function writeHtmlReport(path: string, page: ReportPage): void {
  writeOutput(path, () => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, renderHtmlReport(page));
  });
}

/** Renders each chart to `DIR/<chart id>.png` at twice its SVG size; returns the paths written. */
export function writeChartPngs(dir: string, charts: Chart[]): string[] {
  return writeOutput(dir, () => {
    mkdirSync(dir, { recursive: true });
    return charts.map((chart) => {
      const png = new Resvg(chart.svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
      const path = join(dir, `${chart.id}.png`);
      writeFileSync(path, png);
      return path;
    });
  });
}

/** Every chart of a page, in page order. */
export function chartsOf(page: ReportPage): Chart[] {
  return page.sections.flatMap((s) => s.charts ?? []);
}

function writeOutput<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    throw new MoteurError('report_not_written', `cannot write ${path}: ${(err as Error).message}`, 400, 'output');
  }
}
