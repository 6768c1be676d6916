/**
 * The training curves: loss (left axis) and accuracy (right axis), train
 * and validation, for every model on one uPlot chart. Progress points
 * arrive several times an epoch; redraws are batched to one per animation
 * frame so a fast stream never redraws more often than the screen does.
 */
import uPlot from 'uplot';
import { curveColumns, type CurveMetric, type CurvePoint } from '../shared/curve-series.js';
import { el } from './dom.js';

const COLOURS: Record<string, { loss: string; accuracy: string }> = {
  cnn: { loss: '#2563eb', accuracy: '#0d9488' },
  dense: { loss: '#ea580c', accuracy: '#a16207' },
};
const FALLBACK = [{ loss: '#7c3aed', accuracy: '#db2777' }, { loss: '#475569', accuracy: '#65a30d' }];

export interface CurvesChart { element: HTMLElement; set(points: readonly CurvePoint[]): void; add(point: CurvePoint): void }

export function curvesChart(): CurvesChart {
  const element = el('div', { testid: 'curves', className: 'curves' });
  const empty = el('p', { className: 'muted curves-empty', text: 'Curves appear here as soon as a run starts.' });
  element.append(empty);
  let points: CurvePoint[] = [];
  let plot: uPlot | null = null;
  let seriesKey = '';
  let frame = 0;

  function colourOf(model: string, metric: CurveMetric): string {
    const known = COLOURS[model] ?? FALLBACK[Object.keys(COLOURS).length % FALLBACK.length];
    return metric === 'loss' || metric === 'valLoss' ? known.loss : known.accuracy;
  }

  function draw(): void {
    frame = 0;
    const cols = curveColumns(points);
    element.dataset.points = String(points.length);
    if (cols.x.length === 0) {
      // A new run starts from an empty chart, not from the last run's lines.
      plot?.destroy();
      plot = null;
      seriesKey = '';
      element.replaceChildren(empty);
      return;
    }
    const key = cols.series.map((s) => s.label).join('|');
    const data = [cols.x, ...cols.series.map((s) => s.values)] as uPlot.AlignedData;
    if (plot && key === seriesKey) {
      plot.setData(data);
      return;
    }
    plot?.destroy();
    empty.remove();
    seriesKey = key;
    const width = Math.max(320, element.clientWidth || 720);
    plot = new uPlot({
      width,
      height: 300,
      scales: { x: { time: false }, loss: { auto: true }, acc: { range: [0, 1] } },
      axes: [
        { label: 'epoch', stroke: '#475569', grid: { stroke: '#e2e8f0' } },
        { scale: 'loss', label: 'loss', stroke: '#475569', grid: { stroke: '#e2e8f0' } },
        { scale: 'acc', label: 'accuracy', side: 1, stroke: '#475569', grid: { show: false }, values: (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)}%`) },
      ],
      series: [
        { label: 'epoch', value: (_u, v) => (v == null ? '–' : v.toFixed(2)) },
        ...cols.series.map((s) => ({
          label: s.label,
          scale: s.metric === 'loss' || s.metric === 'valLoss' ? 'loss' : 'acc',
          stroke: colourOf(s.model, s.metric),
          width: 2,
          dash: s.metric.startsWith('val') ? [6, 4] : undefined,
          spanGaps: true,
          points: { show: s.metric.startsWith('val') },
          value: (_u: uPlot, v: number | null) => (v == null ? '–' : s.metric.toLowerCase().includes('accuracy') ? `${(v * 100).toFixed(2)}%` : v.toFixed(4)),
        })),
      ],
      // Labels only: eight live read-outs under the chart are more noise than help; the cursor still shows the x.
      legend: { live: false },
    }, data, element);
  }

  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(draw);
  };
  new ResizeObserver(() => {
    if (plot && element.clientWidth > 0) plot.setSize({ width: element.clientWidth, height: 300 });
  }).observe(element);

  return {
    element,
    set(next) {
      points = [...next];
      schedule();
    },
    add(point) {
      points.push(point);
      schedule();
    },
  };
}
