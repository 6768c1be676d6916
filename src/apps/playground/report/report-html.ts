/**
 * The report's one HTML file: the page's CSS and script (dist/web, built by
 * scripts/build-web.mjs) inlined, and the report's data as JSON in a
 * <script type="application/json"> element. Nothing is fetched: the Content
 * Security Policy allows no network source at all (default-src 'none'), only
 * the inline script and styles and data:/blob: images, so a later change that
 * adds a URL fails in the browser test rather than phoning home
 * (test/browser/report.test.ts blocks and counts every request).
 */
import { ConfigError } from '../../../core/errors.js';
import { REPORT_DATA_ID, type ReportData } from './report-data.js';

export interface ReportAssets {
  /** dist/web/report.js: the bundled page (an IIFE). */
  script: string;
  /** dist/web/uplot.css then dist/web/page.css. */
  styles: string[];
}

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Inline text may not close its element early: "</script" or "</style" in it would end the element there. */
function inlineText(text: string, element: 'script' | 'style', what: string): string {
  if (new RegExp(`</${element}|<!--`, 'i').test(text)) throw new ConfigError(`${what} contains "</${element}" or "<!--" and cannot be inlined in a <${element}> element; rebuild it (npm run build).`);
  return text;
}

/** JSON inside a <script> element: "<" written as \u003c, which JSON.parse reads back as "<", so no tag can start in it. */
function inlineJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function reportHtml(data: ReportData, assets: ReportAssets): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>convkit report: ${escapeHtml(data.title)}</title>`,
    ...assets.styles.map((css, i) => `<style>${inlineText(css, 'style', `stylesheet ${i + 1}`)}</style>`),
    '</head>',
    '<body>',
    '<div id="app"><p class="loading">Loading the report…</p></div>',
    `<script type="application/json" id="${REPORT_DATA_ID}">${inlineJson(data)}</script>`,
    `<script>${inlineText(assets.script, 'script', 'report.js')}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
