import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MoteurError } from '../../core/errors.ts';
import { renderHtmlReport, type ReportPage } from './html.ts';
import type { Chart } from './svg.ts';
import { messageOf } from '../../core/thrown.ts';

/** Writes the HTML page (creating its folder); fails with the path when it cannot. */
export function writeHtmlReport(path: string, page: ReportPage): void {
  writeOutput(path, () => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, renderHtmlReport(page));
  });
}

/**
 * Renders each chart to `DIR/<chart id>.png` at twice its SVG size; returns the paths written. The renderer is
 * an optional package, loaded here only: the engine and its server never need it.
 */
export async function writeChartPngs(dir: string, charts: Chart[]): Promise<string[]> {
  let Resvg: typeof import('@resvg/resvg-js').Resvg;
  try {
    ({ Resvg } = await import('@resvg/resvg-js'));
  } catch {
    throw new MoteurError(
      'report_not_written',
      `cannot write ${dir}: PNG charts need the optional package @resvg/resvg-js (npm install @resvg/resvg-js), or leave out --png`,
      { field: 'png' },
    );
  }
  return writeOutput(dir, () => {
    mkdirSync(dir, { recursive: true });
    return charts.map((chart) => {
      const png = new Resvg(chart.svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } })
        .render()
        .asPng();
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
    throw new MoteurError('report_not_written', `cannot write ${path}: ${messageOf(err)}`, { field: 'output' });
  }
}
