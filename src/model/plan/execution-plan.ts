/**
 * A model's execution plan: its layers compiled once into steps (fusion-rules.ts
 * decides which run together), and the record of what fused and why the rest
 * did not. Sequential compiles it when it builds and again when layers are
 * added, and runs forward and backward through it.
 */
import type { Backend, FloatArray } from '../../backend/backend.js';
import type { DType } from '../../core/tensor.js';
import type { Layer } from '../../layers/layer.js';
import { FUSION_RULES, sigmoidOutputOf, softmaxOutputOf, type KernelChoice, type PreActivationOutput, type SoftmaxOutput } from './fusion-rules.js';
import { LayerStep, type PlanStep } from './plan-step.js';

/** What the plan decided at one step: the rule that made it a block, and its kernels; or, for a lone layer, why the rules that concern it did not apply. */
export interface StepDecision {
  readonly layers: readonly string[];
  /** The fusion rule that formed this block, or null for a lone layer. */
  readonly rule: string | null;
  readonly kernels: readonly KernelChoice[];
  /** "rule: reason" for each rule that looked at this layer and did not apply. */
  readonly notApplied: readonly string[];
}

export class ExecutionPlan {
  readonly steps: readonly PlanStep[];
  readonly decisions: readonly StepDecision[];
  /** The last layer when a cross-entropy loss can read its logits; null with the reason otherwise. */
  readonly softmaxOutput: (Layer & SoftmaxOutput) | null;
  readonly softmaxReason: string | null;
  /** The last layer when it ends in a sigmoid that binary cross-entropy can back-propagate through as (p - t); null otherwise. */
  readonly sigmoidOutput: (Layer & PreActivationOutput) | null;
  /** Per step: whether any of its layers has weights (fixed once built; read by every backward). */
  private readonly stepHasWeights: readonly boolean[];

  constructor(layers: readonly Layer[], backend: Backend, dtype: DType) {
    const steps: PlanStep[] = [];
    const decisions: StepDecision[] = [];
    for (let i = 0; i < layers.length;) {
      const notApplied: string[] = [];
      let taken = false;
      for (const rule of FUSION_RULES) {
        const result = rule.match(layers, i, { backend, dtype });
        if (result === null) continue;
        if ('reason' in result) {
          notApplied.push(`${rule.name}: ${result.reason}`);
          continue;
        }
        steps.push(result.step);
        decisions.push({ layers: result.step.layers.map((l) => l.name ?? l.className), rule: rule.name, kernels: result.kernels, notApplied });
        i += result.step.layers.length;
        taken = true;
        break;
      }
      if (taken) continue;
      steps.push(new LayerStep(layers[i]));
      decisions.push({ layers: [layers[i].name ?? layers[i].className], rule: null, kernels: [], notApplied });
      i++;
    }
    this.steps = steps;
    this.decisions = decisions;
    this.stepHasWeights = steps.map((step) => step.layers.some((layer) => layer.weights().length > 0));
    const softmax = softmaxOutputOf(layers);
    // The last layer must be a step of its own: a block owns its layers' outputs.
    const lastStep = steps[steps.length - 1];
    if ('layer' in softmax && lastStep.layers.length === 1 && lastStep.layers[0] === softmax.layer) {
      this.softmaxOutput = softmax.layer;
      this.softmaxReason = null;
    } else {
      this.softmaxOutput = null;
      this.softmaxReason = 'reason' in softmax ? softmax.reason : 'the last layer is part of a block';
    }
    const sigmoid = sigmoidOutputOf(layers);
    this.sigmoidOutput = sigmoid && lastStep.layers.length === 1 && lastStep.layers[0] === sigmoid ? sigmoid : null;
  }

  /** Runs the steps forward on `batch` samples; returns the last step's output buffer. */
  forward(x: FloatArray, batch: number, training: boolean): FloatArray {
    let out = x;
    for (let i = 0; i < this.steps.length; i++) out = this.steps[i].forward(out, batch, training);
    return out;
  }

  /**
   * Back-propagates from dL/d(output), or from dL/d(logits) when the loss read
   * the logits of the softmax output, or gave dL/dz through the sigmoid output (fromLogits).
   */
  backward(grad: FloatArray, batch: number, fromLogits: boolean): void {
    let dy: FloatArray | null = grad;
    const last = this.steps.length - 1;
    // Steps before the first one with trainable weights (a frozen base, weightless input layers)
    // have nothing to learn: back-propagation stops there, so a frozen base costs only its forward.
    const first = this.firstStepToTrain();
    for (let i = last; i >= first && dy; i--) {
      const needInputGrad = i > first;
      dy = fromLogits && i === last ? (this.softmaxOutput ?? this.sigmoidOutput)!.backwardFromPreActivation(dy, batch, needInputGrad) : this.steps[i].backward(dy, batch, needInputGrad);
    }
  }

  /**
   * The first step holding a trainable weight (steps.length when none does). Read on every
   * backward, since layer.trainable may change between steps; a loop over a few layers, no allocation.
   * Test: test/layers/trainable.test.ts (a frozen base gets no gradient).
   */
  private firstStepToTrain(): number {
    for (let i = 0; i < this.steps.length; i++) {
      if (!this.stepHasWeights[i]) continue;
      const layers = this.steps[i].layers;
      for (let k = 0; k < layers.length; k++) if (layers[k].trainable) return i;
    }
    return this.steps.length;
  }
}
