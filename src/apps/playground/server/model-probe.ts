/**
 * What the page asks of a model: its view (layers, shapes, receptive fields,
 * kernels) and every layer's output for one drawing. Both are the contract's
 * library API (src/model/model-view.ts, src/model/layer-outputs.ts); this
 * file is the one place the server reaches for them.
 */
export { modelView, type ModelView } from '../../../model/model-view.js';
export { layerOutputs, type LayerOutput } from '../../../model/layer-outputs.js';
