/**
 * The ModelSource of a `convkit report` file: everything comes from the JSON
 * embedded in the page (../report/report-data.ts). The model file's bytes are
 * decoded by convkit's own decodeModel and every drawing runs through
 * layerOutputs on the reference backend (plain TypeScript): no server, no
 * network, nothing Node-only (esbuild's platform 'browser' refuses it).
 */
import { decodeModel } from '../../../io/model-codec.js';
import { layerOutputs } from '../../../model/layer-outputs.js';
import type { Sequential } from '../../../model/sequential.js';
import { ConvkitError } from '../../../core/errors.js';
import { exampleKey, REPORT_DATA_ID, REPORT_FORMAT, REPORT_VERSION, type ReportData } from '../report/report-data.js';
import type { ConfusionExample, ConfusionView, HistoryPoint, ModelSource, Prediction } from './model-source.js';

/** The report's data, from its <script type="application/json"> element. */
export function readReportData(doc: Document): ReportData {
  const element = doc.getElementById(REPORT_DATA_ID);
  if (!element?.textContent) throw new ConvkitError(`This page has no report data (no #${REPORT_DATA_ID} element); write it with convkit report.`);
  const data = JSON.parse(element.textContent) as ReportData;
  if (data.format !== REPORT_FORMAT || data.version !== REPORT_VERSION) {
    throw new ConvkitError(`Expected report data of format ${REPORT_FORMAT} version ${REPORT_VERSION}; received ${String(data.format)} version ${String(data.version)}.`);
  }
  return data;
}

function bytesFromBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A model whose last layer is not a softmax gives logits: the page shows probabilities, so they are softmaxed here. */
function endsInSoftmax(model: Sequential): boolean {
  const config = model.layers[model.layers.length - 1].getConfig() as { activation?: unknown };
  return config.activation === 'softmax';
}

function softmax(values: Float32Array): number[] {
  let max = -Infinity;
  for (const v of values) max = Math.max(max, v);
  const exp = Array.from(values, (v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => v / sum);
}

export function reportSource(data: ReportData): ModelSource {
  const { model } = decodeModel(bytesFromBase64(data.model), { backend: 'reference', source: 'the model embedded in this report', allowNonFinite: true });
  const softmaxed = endsInSoftmax(model);
  return {
    kind: 'report',
    info: async () => ({ ...data.view, title: data.title, trained: true }),
    async predict(pixels: Float32Array): Promise<Prediction> {
      const started = performance.now();
      const outputs = layerOutputs(model, pixels);
      const last = outputs[outputs.length - 1].data;
      const probabilities = softmaxed ? Array.from(last) : softmax(last);
      let predicted = 0;
      for (let i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[predicted]) predicted = i;
      const activations = outputs.filter((o) => o.shape.length === 3).map((o) => ({ layer: o.name, shape: o.shape, data: o.data }));
      return { probabilities, predicted, elapsedMs: performance.now() - started, activations };
    },
    confusion: async (): Promise<ConfusionView | null> => data.confusion,
    confusionExamples: async (actual: number, predicted: number): Promise<ConfusionExample[]> =>
      (data.examples[exampleKey(actual, predicted)] ?? []).map((e) => ({ index: e.index, pixels: bytesFromBase64(e.pixels), probabilities: e.probabilities })),
    history: async (): Promise<HistoryPoint[]> => data.history,
  };
}
