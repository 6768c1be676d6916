/**
 * What `convkit report` embeds in its HTML file, as one JSON object, and what
 * the report page (../web/report-source.ts) reads back. Plain data, no Node
 * and no DOM: both sides import it. Binary parts (the model file, the example
 * images) are base64 strings, the way JSON can carry bytes.
 */
import type { ModelView } from '../../../model/model-view.js';
import type { CurvePoint } from '../shared/curve-series.js';

export const REPORT_FORMAT = 'convkit-report';
export const REPORT_VERSION = 1;
/** The id of the <script type="application/json"> element that holds the data. */
export const REPORT_DATA_ID = 'convkit-report-data';

/** One point of a training curve: the end of a CSVLogger row's epoch (epoch 0 ends at 1.0). */
export type ReportHistoryPoint = CurvePoint;

export interface ReportExample {
  /** Index in the test set. */
  index: number;
  /** base64 of h*w*c bytes 0..255. */
  pixels: string;
  probabilities: number[];
}

export interface ReportData {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  title: string;
  /** base64 of the model file (safetensors), decoded in the page by decodeModel. */
  model: string;
  view: ModelView;
  history: ReportHistoryPoint[];
  /** Rows = true class, columns = predicted; null when the model does not read the test set's images. */
  confusion: { labels: string[]; matrix: number[][] } | null;
  /** Up to examplesPerCell test images per confusion cell, keyed by exampleKey(actual, predicted). */
  examples: Record<string, ReportExample[]>;
  examplesPerCell: number;
  /** Test images the confusion matrix counts (0 without one). */
  testImages: number;
}

export function exampleKey(actual: number, predicted: number): string {
  return `${actual},${predicted}`;
}
