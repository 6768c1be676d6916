/**
 * Train: choose the CNN, the Dense baseline or both, override the recipe's
 * epochs, batch size and learning rate (blank fields keep each model's
 * recipe, src/apps/lab/recipes.ts), Start and Stop; live curves, images/s and
 * time left; when the run ends, `convkit compare`'s table and the
 * cost-of-errors calculator. The job lives in the server, so a second tab
 * (or this one reopened) picks up the running job from the stream's first
 * `state` event instead of starting another.
 */
import { RECIPES } from '../../lab/recipes.js';
import { costOfErrors } from '../shared/cost-of-errors.js';
import { formatDuration } from '../shared/curve-series.js';
import { curvesChart } from './curves-chart.js';
import { el, messageOf, percent } from './dom.js';
import type { Comparison, JobStatus, LabModelName, TrainingControl, TrainingEvent, TrainingProgress, TrainRequest } from './model-source.js';

export function trainPanel(training: TrainingControl, onModelChanged: () => void): HTMLElement {
  const pick = (name: LabModelName, label: string, checked: boolean) => {
    const box = el('input', { type: 'checkbox', value: name, checked, 'data-model': name });
    return { box, label: el('label', { className: 'check' }, box, ` ${label}`) };
  };
  const cnn = pick('cnn', 'CNN', true);
  const dense = pick('dense', 'Dense baseline', false);
  const numberField = (name: string, label: string, placeholder: string, step = 'any') => {
    const input = el('input', { type: 'number', name, placeholder, min: 0, step, 'data-field': name });
    return { input, label: el('label', { className: 'field' }, el('span', { text: label }), input) };
  };
  const epochs = numberField('epochs', 'Epochs', '', '1');
  const batch = numberField('batchSize', 'Batch size', '', '1');
  const lr = numberField('learningRate', 'Learning rate', '');
  const limit = numberField('trainLimit', 'Training images', 'all 60,000', '1');
  const start = el('button', { testid: 'train-start', type: 'button', text: 'Start training' });
  const stop = el('button', { testid: 'train-stop', type: 'button', className: 'danger', text: 'Stop', disabled: true });
  const status = el('div', { testid: 'train-status', className: 'status idle', text: 'idle: choose the models and press Start' });
  const stats = el('div', { className: 'train-stats' });
  const chart = curvesChart();
  const results = el('div', { className: 'results', hidden: true });

  const selected = (): LabModelName[] => [cnn, dense].filter((m) => m.box.checked).map((m) => m.box.value as LabModelName);
  // Placeholders show the recipe of each selected model, so a blank field is visibly "the recipe".
  const showRecipes = () => {
    const models = selected();
    const text = (f: (m: LabModelName) => number) => models.map(f).join(' / ') || '–';
    epochs.input.placeholder = text((m) => RECIPES[m].epochs);
    batch.input.placeholder = text((m) => RECIPES[m].batchSize);
    lr.input.placeholder = text((m) => RECIPES[m].learningRate);
    start.disabled = running || models.length === 0;
  };
  cnn.box.addEventListener('change', showRecipes);
  dense.box.addEventListener('change', showRecipes);

  let running = false;
  const setStatus = (s: JobStatus | 'starting', text: string) => {
    running = s === 'running' || s === 'starting';
    status.className = `status ${s}`;
    status.textContent = text;
    stop.disabled = !running;
    start.disabled = running || selected().length === 0;
  };

  const optional = (input: HTMLInputElement) => (input.value.trim() === '' ? undefined : Number(input.value));
  start.addEventListener('click', () => {
    const request: TrainRequest = {
      models: selected(),
      epochs: optional(epochs.input),
      batchSize: optional(batch.input),
      learningRate: optional(lr.input),
      trainLimit: optional(limit.input),
    };
    chart.set([]);
    results.hidden = true;
    stats.replaceChildren();
    perModel.clear();
    lastProgress.clear();
    setStatus('starting', 'starting…');
    training.start(request).catch((error: unknown) => setStatus('error', `error: ${messageOf(error)}`));
  });
  stop.addEventListener('click', () => {
    stop.disabled = true;
    training.stop().catch((error: unknown) => setStatus('error', `error: ${messageOf(error)}`));
  });

  const perModel = new Map<string, HTMLElement>();
  const lastProgress = new Map<string, TrainingProgress>();
  const progressLine = (p: TrainingProgress, live: boolean) =>
    `${p.model}: ${Math.round(p.imagesPerSecond).toLocaleString('en-US')} images/s · loss ${p.loss.toFixed(4)} · accuracy ${percent(p.accuracy, 2)}${live ? ` · ${formatDuration(p.etaSeconds) || '…'} left` : ''}`;
  /** Once a run has ended, "time left" no longer applies. */
  const settleProgress = () => {
    for (const p of lastProgress.values()) showProgress(p.model, progressLine(p, false));
  };
  function showProgress(model: string, text: string): void {
    let line = perModel.get(model);
    if (!line) {
      line = el('div', { className: 'stat', 'data-model': model });
      perModel.set(model, line);
      stats.append(line);
    }
    line.textContent = text;
  }

  function onEvent(event: TrainingEvent): void {
    switch (event.type) {
      case 'state': {
        const s = event.state;
        chart.set(s.history);
        if (s.status === 'running') setStatus('running', 'running');
        else if (s.status === 'done') setStatus('done', 'done: the run finished');
        else if (s.status === 'stopped') setStatus('stopped', 'stopped');
        else if (s.status === 'error') setStatus('error', `error: ${s.message ?? 'training failed'}`);
        else setStatus('idle', 'idle: choose the models and press Start');
        if (s.comparison) showComparison(s.comparison);
        break;
      }
      case 'progress': {
        const p = event.progress;
        if (!running) setStatus('running', 'running');
        chart.add({ model: p.model, epoch: p.epoch, loss: p.loss, accuracy: p.accuracy });
        status.textContent = `running: ${p.model}, epoch ${p.epoch.toFixed(2)}`;
        lastProgress.set(p.model, p);
        showProgress(p.model, progressLine(p, true));
        break;
      }
      case 'epoch': {
        const e = event.epoch;
        chart.add({ model: e.model, epoch: e.epoch, loss: e.loss, accuracy: e.accuracy, valLoss: e.valLoss, valAccuracy: e.valAccuracy });
        onModelChanged();
        break;
      }
      case 'done':
        setStatus('done', 'done: the run finished');
        settleProgress();
        showComparison(event.comparison);
        onModelChanged();
        break;
      case 'stopped':
        setStatus('stopped', 'stopped');
        settleProgress();
        onModelChanged();
        break;
      case 'error':
        setStatus('error', `error: ${event.message}`);
        break;
      case 'disconnected':
        status.textContent = `${status.textContent?.replace(/ \(reconnecting…\)$/, '')} (reconnecting…)`;
        break;
    }
  }

  function showComparison(comparison: Comparison): void {
    results.hidden = false;
    const table = el('table', { className: 'compare', testid: 'comparison' },
      el('tr', {}, ...['model', 'test accuracy', 'errors / 10,000', 'params', 'train time'].map((h) => el('th', { text: h }))),
      ...comparison.models.map((m) => el('tr', {},
        el('td', { text: m.model }), el('td', { text: percent(m.testAccuracy, 2) }), el('td', { text: String(Math.round(m.errors)) }),
        el('td', { text: m.params.toLocaleString('en-US') }), el('td', { text: formatDuration(m.trainSeconds) }))));
    results.replaceChildren(el('div', {}, el('h3', { text: 'Comparison (as convkit compare prints it)' }), table), costCalculator(comparison));
  }

  showRecipes();
  training.subscribe(onEvent);
  return el('div', { className: 'train' },
    el('div', { className: 'train-controls' },
      el('div', { className: 'field-group' }, el('span', { className: 'group-label', text: 'Models' }), cnn.label, dense.label),
      epochs.label, batch.label, lr.label, limit.label,
      el('div', { className: 'row' }, start, stop)),
    el('p', { className: 'muted small', text: 'Blank fields keep each model\'s recipe (shown greyed, CNN / Dense).' }),
    el('div', { className: 'status-row' }, status, stats),
    chart.element,
    results);
}

/** The lab's "think deeper" question: what do the models' errors cost at a given volume? */
function costCalculator(comparison: Comparison): HTMLElement {
  const events = el('input', { type: 'number', min: 0, step: 'any', value: 1_000_000, 'data-field': 'eventsPerDay' });
  const cost = el('input', { type: 'number', min: 0, step: 'any', value: 1, 'data-field': 'costPerMiss' });
  const out = el('div', { testid: 'cost-of-errors', className: 'cost-out' });
  const money = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 2 });
  const update = () => {
    try {
      const r = costOfErrors(comparison.models, Number(events.value), Number(cost.value));
      out.replaceChildren(
        el('table', { className: 'compare' },
          el('tr', {}, el('th', { text: 'model' }), el('th', { text: 'misses per day' }), el('th', { text: 'cost per day' })),
          ...r.rows.map((row) => el('tr', {}, el('td', { text: row.model }), el('td', { text: money(row.errorsPerDay) }), el('td', { text: money(row.costPerDay) })))),
        el('p', { className: 'verdict', text: r.rows.length > 1 ? `${r.best} saves ${money(r.difference)} a day (${money(r.difference * 365)} a year).` : '' }));
    } catch (error) {
      out.replaceChildren(el('p', { className: 'error', text: messageOf(error) }));
    }
  };
  events.addEventListener('input', update);
  cost.addEventListener('input', update);
  update();
  return el('div', { className: 'calculator' },
    el('h3', { text: 'Cost of errors' }),
    el('div', { className: 'row' }, el('label', { className: 'field' }, el('span', { text: 'Events per day' }), events), el('label', { className: 'field' }, el('span', { text: 'Cost of one miss' }), cost)),
    out);
}
