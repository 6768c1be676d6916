/**
 * The playground's and the report's page: one layout over a ModelSource.
 * Every part reads the model's own view (input size, layers, kernels), so
 * any saved Sequential model is shown as it is, not only the lab's CNN.
 * The report passes { training: false, malware: false }: no Train or
 * malware part, the same ids everywhere else.
 */
import type { ModelView } from '../../../model/model-view.js';
import { confusionPanel } from './confusion-panel.js';
import { curvesChart } from './curves-chart.js';
import { el, messageOf, section } from './dom.js';
import { drawPanel } from './draw-panel.js';
import { featureMapsPanel } from './feature-maps-panel.js';
import { renderKernels } from './kernels-panel.js';
import { malwarePanel } from './malware-panel.js';
import type { ModelSource } from './model-source.js';
import { trainPanel } from './train-panel.js';

export interface PageOptions { training: boolean; malware: boolean }

export function startPage(root: HTMLElement, source: ModelSource, options: PageOptions): void {
  root.classList.add('ck-page');
  const title = el('h1', { text: 'convkit' });
  const badge = el('span', { className: 'badge', text: '' });
  const summary = el('div', { className: 'summary', testid: 'model-summary' });
  const nav = el('nav', {});
  const header = el('header', { className: 'top' }, el('div', { className: 'title-row' }, title, badge, nav), summary);
  const main = el('main', {});
  root.replaceChildren(header, main);

  const fmaps = featureMapsPanel();
  const draw = drawPanel(source, (p, input) => fmaps.show(p, input));
  const confusion = confusionPanel(source);
  const kernelsBox = el('div', { className: 'kernels' });

  const parts: Array<{ id: string; label: string; root: HTMLElement }> = [];
  const add = (id: string, label: string, subtitle: string, ...content: HTMLElement[]) => {
    const s = section(id, label, subtitle);
    s.body.append(...content);
    parts.push({ id, label, root: s.root });
    main.append(s.root);
  };

  if (options.training && source.training) {
    add('train', 'Train', 'Train the lab CNN and the Dense baseline on MNIST and watch the curves move.', trainPanel(source.training, () => void refreshModel()));
  } else {
    // Without live training (the report), the curves of the run that made the model, when the source has them.
    const chart = curvesChart();
    add('curves-part', 'Training curves', 'Loss and accuracy, train and validation, as the model was trained.', chart.element);
    const part = parts[parts.length - 1];
    part.root.hidden = true;
    source.history().then((history) => {
      if (history.length === 0) return;
      part.root.hidden = false;
      chart.set(history);
    }, () => undefined);
  }
  add('draw', 'Draw', 'Draw a digit. The net sees it as MNIST digits were made.', draw.element);
  add('features', 'Feature maps', 'What every conv and pool layer computes from your drawing. Click a unit to outline the input pixels it sees.', fmaps.element);
  add('kernels', 'Kernels', 'The learned conv filters: red excites on bright input, blue inhibits.', kernelsBox);
  add('errors', 'Errors', 'The confusion matrix on the test set.', confusion.element);
  if (options.malware && source.classifyMalware) {
    add('malware', 'Malware', 'A file as an image (its byteplot) and the families the malware model sees in it.', malwarePanel(source));
  }
  nav.append(...parts.filter((p) => p.id !== 'curves-part').map((p) => el('a', { href: `#${p.id}`, text: p.label })));

  let refreshing: Promise<void> | null = null;
  let again = false;
  async function refreshModel(): Promise<void> {
    // Epoch ends can arrive faster than the model view loads: coalesce them into one follow-up load.
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = load().finally(() => {
      refreshing = null;
      if (again) {
        again = false;
        void refreshModel();
      }
    });
    return refreshing;
  }

  async function load(): Promise<void> {
    try {
      const view = await source.info();
      title.textContent = view.title;
      title.title = view.title;
      document.title = `${view.title} · convkit`;
      badge.textContent = view.trained ? 'trained' : 'untrained';
      badge.className = `badge ${view.trained ? 'ok' : 'warn'}`;
      renderSummary(summary, view);
      fmaps.setModel(view);
      draw.setModel(view.inputShape, view.classes);
      renderKernels(kernelsBox, view);
      draw.refresh();
      await confusion.load(view.inputShape);
    } catch (error) {
      summary.replaceChildren(el('p', { className: 'error', text: `Could not load the model: ${messageOf(error)}` }));
    }
  }
  void refreshModel();
}

function renderSummary(box: HTMLElement, view: ModelView): void {
  const total = view.layers.reduce((a, l) => a + l.params, 0);
  const [h, w, c] = view.inputShape;
  const chips = view.layers.map((l) => {
    const field = l.receptiveField.size !== null && !l.receptiveField.global && l.outputShape.length === 3 ? ` · field ${l.receptiveField.size}` : '';
    return el('div', { className: `chip ${l.className.toLowerCase()}`, title: `${l.className}, ${l.params.toLocaleString('en-US')} parameters` },
      el('strong', { text: l.name }), el('span', { text: `${l.outputShape.join('×')}${field}` }));
  });
  box.replaceChildren(
    el('div', { className: 'chip input' }, el('strong', { text: 'input' }), el('span', { text: `${h}×${w}×${c}` })),
    ...chips,
    el('div', { className: 'chip total' }, el('strong', { text: `${total.toLocaleString('en-US')}` }), el('span', { text: 'parameters' })),
  );
}
