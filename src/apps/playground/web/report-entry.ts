/**
 * The report page's script (bundled to dist/web/report.js and inlined by
 * `convkit report`): the embedded data, the in-browser model source, the
 * page without its Train and malware parts.
 */
import { el, messageOf } from './dom.js';
import { startPage } from './page.js';
import { readReportData, reportSource } from './report-source.js';

const root = document.getElementById('app');
if (root) {
  try {
    startPage(root, reportSource(readReportData(document)), { training: false, malware: false });
  } catch (error) {
    root.replaceChildren(el('p', { className: 'error', text: `Could not open the report: ${messageOf(error)}` }));
  }
}
