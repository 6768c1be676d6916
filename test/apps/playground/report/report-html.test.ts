import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportHtml } from '../../../../src/apps/playground/report/report-html.js';
import { REPORT_DATA_ID, REPORT_FORMAT, REPORT_VERSION, type ReportData } from '../../../../src/apps/playground/report/report-data.js';

function data(title: string): ReportData {
  return {
    format: REPORT_FORMAT, version: REPORT_VERSION, title, model: 'AAAA',
    view: { inputShape: [28, 28, 1], classes: 10, layers: [], kernels: [] },
    history: [], confusion: null, examples: {}, examplesPerCell: 12, testImages: 0,
  };
}

/** The JSON between the data element's tags, as the page's JSON.parse reads it. */
function embedded(html: string): unknown {
  const start = html.indexOf(`<script type="application/json" id="${REPORT_DATA_ID}">`);
  const open = html.indexOf('>', start) + 1;
  return JSON.parse(html.slice(open, html.indexOf('</script>', open)));
}

test('the data is embedded as JSON that no text in it can break out of, and reads back unchanged', () => {
  const title = 'evil</script><script>alert(1)</script> <!-- \u2028';
  const html = reportHtml(data(title), { script: 'window.x = 1;', styles: ['body { color: red }'] });
  assert.deepEqual(embedded(html), data(title));
  assert.equal(html.match(/<script/g)?.length, 2, 'only the data element and the page script');
  assert.match(html, /<title>convkit report: evil&#60;\/script&#62;/);
  assert.match(html, /<style>body \{ color: red \}<\/style>/);
  assert.match(html, /<script>window\.x = 1;<\/script>/);
});

test("the file's Content Security Policy allows no network source: only the inline script, inline styles and data:/blob: images", () => {
  const html = reportHtml(data('m'), { script: '', styles: [] });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /https?:|\*|'self'|connect-src (?!'none')/);
});

test('a script or stylesheet that would close its element early is refused rather than inlined', () => {
  assert.throws(() => reportHtml(data('m'), { script: 'a = "</script>";', styles: [] }), /report\.js contains "<\/script" or "<!--"/);
  assert.throws(() => reportHtml(data('m'), { script: '', styles: ['x{}</style>'] }), /stylesheet 1 contains "<\/style"/);
});
