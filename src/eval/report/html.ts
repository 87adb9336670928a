import { escapeXml, type Chart } from './svg.ts';

/** A table of figures: the first column names the row. Numbers are shown with 4 significant digits. */
export interface ReportTable {
  columns: string[];
  rows: Array<Array<string | number | undefined>>;
}

export interface ReportSection {
  heading: string;
  /** Plain text paragraphs (escaped, not HTML). */
  paragraphs?: string[];
  tables?: ReportTable[];
  charts?: Chart[];
}

export interface ReportPage {
  title: string;
  /** One line under the title: data, command, date. */
  subtitle?: string;
  sections: ReportSection[];
  /** The raw figures, embedded as JSON at the end of the page so the page alone can be re-analysed. */
  data?: unknown;
}

/** One self-contained HTML page (inline CSS and SVG, no script, nothing fetched). */
export function renderHtmlReport(page: ReportPage): string {
  const sections = page.sections.map((section) =>
    [
      `<section><h2>${escapeXml(section.heading)}</h2>`,
      ...(section.paragraphs ?? []).map((p) => `<p>${escapeXml(p)}</p>`),
      ...(section.tables ?? []).map(renderTable),
      ...(section.charts ?? []).map((chart) => `<figure>${chart.svg}</figure>`),
      '</section>',
    ].join('\n'),
  );
  const data =
    page.data === undefined ? '' : `<details><summary>Figures as JSON</summary><pre>${escapeXml(JSON.stringify(page.data, null, 2))}</pre></details>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(page.title)}</title>
<style>
body{font-family:system-ui,'DejaVu Sans',Helvetica,Arial,sans-serif;margin:2rem auto;max-width:980px;padding:0 1rem;color:#222}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.subtitle{color:#666;margin-top:0}table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .55rem;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#f4f4f4}figure{margin:1rem 0}svg{max-width:100%;height:auto}pre{font-size:.75rem;overflow:auto}
</style></head><body>
<h1>${escapeXml(page.title)}</h1>
${page.subtitle ? `<p class="subtitle">${escapeXml(page.subtitle)}</p>` : ''}
${sections.join('\n')}
${data}
</body></html>
`;
}

function renderTable(table: ReportTable): string {
  const head = `<tr>${table.columns.map((c) => `<th>${escapeXml(c)}</th>`).join('')}</tr>`;
  const rows = table.rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeXml(formatCell(cell))}</td>`).join('')}</tr>`);
  return `<table>${head}${rows.join('')}</table>`;
}

function formatCell(cell: string | number | undefined): string {
  if (cell === undefined) return '–';
  if (typeof cell === 'string') return cell;
  if (!Number.isFinite(cell)) return String(cell);
  return Number.isInteger(cell) ? cell.toLocaleString('en-US') : String(Number(cell.toPrecision(4)));
}
