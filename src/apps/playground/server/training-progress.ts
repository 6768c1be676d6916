/**
 * The worker's fit() callback that reports a model's progress: several times
 * an epoch the running loss and accuracy, images/s and the time left for this
 * model (and, for the CNN, its weights, so /api/predict answers with the
 * model being trained); at each epoch's end the validation metrics.
 * Reads only what fit() already computed: no extra pass over the data.
 */
import type { Callback, Logs } from '../../../model/callbacks.js';
import type { Sequential } from '../../../model/sequential.js';
import type { ModelKind } from '../../lab/lab-models.js';
import type { WorkerMessage } from './training-messages.js';

export interface ProgressSettings {
  model: ModelKind;
  epochs: number;
  stepsPerEpoch: number;
  batchSize: number;
  trainImages: number;
  /** Reports per epoch (the last step always reports). */
  perEpoch: number;
  /** Post the model's weights with each report. */
  sendWeights: boolean;
}

export class TrainingProgress implements Callback {
  private model: Sequential | undefined;
  private epochStarted = 0;
  private epoch = 0;
  private readonly every: number;

  constructor(private readonly settings: ProgressSettings, private readonly post: (message: WorkerMessage, transfer?: ArrayBuffer[]) => void) {
    this.every = Math.max(1, Math.floor(settings.stepsPerEpoch / Math.max(1, settings.perEpoch)));
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
    this.epochStarted = performance.now();
  }

  onBatchEnd(step: number, logs: Logs): void {
    const { stepsPerEpoch, batchSize, trainImages, epochs } = this.settings;
    const done = step + 1;
    if (done % this.every !== 0 && done !== stepsPerEpoch) return;
    const seen = Math.min(done * batchSize, trainImages);
    const seconds = (performance.now() - this.epochStarted) / 1000;
    const imagesPerSecond = seconds > 0 ? seen / seconds : 0;
    const imagesLeft = trainImages - seen + (epochs - this.epoch - 1) * trainImages;
    this.post({
      type: 'progress',
      model: this.settings.model,
      epoch: this.epoch + done / stepsPerEpoch,
      loss: logs.loss,
      accuracy: logs.accuracy,
      imagesPerSecond,
      etaSeconds: imagesPerSecond > 0 ? imagesLeft / imagesPerSecond : 0,
    });
    if (this.settings.sendWeights) this.postWeights();
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    // A stopped epoch is not a finished one: it gets no epoch-end point.
    if (this.model?.stopTraining) return;
    this.post({ type: 'epoch', model: this.settings.model, epoch: epoch + 1, loss: logs.loss, accuracy: logs.accuracy, valLoss: logs.val_loss, valAccuracy: logs.val_accuracy });
  }

  postWeights(): void {
    if (!this.model) return;
    // getWeights() copies already; the copies are transferred, not cloned again.
    const arrays = this.model.getWeights().map((t) => (t.data instanceof Float32Array ? t.data : Float32Array.from(t.data)));
    this.post({ type: 'weights', inputShape: [...this.model.inputShape], arrays }, arrays.map((a) => a.buffer as ArrayBuffer));
  }
}
