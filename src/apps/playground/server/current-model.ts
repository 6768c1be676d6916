/**
 * The model the page draws and predicts with: the --model-file's model when
 * one was given; else the lab CNN of the running or last job, its weights
 * refreshed from the worker several times an epoch; else a freshly
 * initialised lab CNN (trained: false).
 */
import { Tensor } from '../../../core/tensor.js';
import type { BackendName } from '../../../backend/select-backend.js';
import type { Sequential } from '../../../model/sequential.js';
import { createLabCnn } from '../../lab/lab-models.js';
import { modelView, type ModelView } from './model-probe.js';

export class CurrentModel {
  private trainedByJob = false;

  private constructor(readonly model: Sequential, private readonly fromFile: string | undefined) {}

  static fromFile(model: Sequential, path: string): CurrentModel {
    return new CurrentModel(model, path);
  }

  static freshLabCnn(backend: BackendName = 'auto', seed = 42): CurrentModel {
    return new CurrentModel(createLabCnn({ backend, seed }), undefined);
  }

  get isFile(): boolean {
    return this.fromFile !== undefined;
  }

  get trained(): boolean {
    return this.isFile || this.trainedByJob;
  }

  get title(): string {
    if (this.fromFile !== undefined) return `${this.model.name} (${this.fromFile})`;
    return this.trainedByJob ? 'Lab CNN (trained here)' : 'Lab CNN (untrained)';
  }

  /**
   * Takes the job's CNN weights; ignored when the page shows a model file, or
   * when the job's input shape is not this model's (a --data set of other image sizes).
   */
  takeWeights(arrays: Float32Array[], inputShape: readonly number[]): boolean {
    if (this.isFile || inputShape.join() !== this.model.inputShape.join()) return false;
    const shapes = this.model.weights().map((w) => w.shape);
    this.model.setWeights(arrays.map((data, i) => new Tensor(data, [...(shapes[i] ?? [data.length])])));
    this.trainedByJob = true;
    return true;
  }

  info(): ModelView & { title: string; trained: boolean } {
    return { ...modelView(this.model), title: this.title, trained: this.trained };
  }
}
