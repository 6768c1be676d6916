/**
 * Training history as the columns one uPlot chart draws: a shared x axis
 * (fractional epochs) and, per model, train and validation loss and
 * accuracy, with null where a series has no value at that x. Progress
 * points (several an epoch) carry only the training figures; epoch ends
 * also carry the validation ones. DOM-free so its merging is unit tested.
 */
export interface CurvePoint {
  model: string;
  epoch: number;
  loss?: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
}

export const CURVE_METRICS = ['loss', 'valLoss', 'accuracy', 'valAccuracy'] as const;
export type CurveMetric = (typeof CURVE_METRICS)[number];

export interface CurveSeries { model: string; metric: CurveMetric; label: string; values: (number | null)[] }
export interface CurveColumns { x: number[]; series: CurveSeries[] }

const LABELS: Record<CurveMetric, string> = { loss: 'loss', valLoss: 'val loss', accuracy: 'accuracy', valAccuracy: 'val accuracy' };

/** Models in first-seen order; each model gets its four series (empty ones included, so colours stay put as data arrives). */
export function curveColumns(points: readonly CurvePoint[]): CurveColumns {
  const models: string[] = [];
  for (const p of points) if (!models.includes(p.model)) models.push(p.model);
  const x = [...new Set(points.map((p) => p.epoch).filter(Number.isFinite))].sort((a, b) => a - b);
  const index = new Map(x.map((v, i) => [v, i]));
  const series: CurveSeries[] = [];
  for (const model of models) {
    for (const metric of CURVE_METRICS) {
      const values: (number | null)[] = new Array(x.length).fill(null);
      for (const p of points) {
        const v = p[metric];
        if (p.model === model && typeof v === 'number' && Number.isFinite(v)) values[index.get(p.epoch)!] = v;
      }
      series.push({ model, metric, label: `${model} ${LABELS[metric]}`, values });
    }
  }
  return { x, series };
}

/** "1 h 02 min", "3 min 05 s", "42 s", "0.4 s"; an empty string for unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 9.95) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
