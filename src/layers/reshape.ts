/**
 * Reshape: [N, ...input] -> [N, ...targetShape], Keras's Reshape(target_shape).
 * One entry of targetShape may be -1, inferred from the others. NHWC is
 * row-major and so is the target, so no value moves: forward returns its input
 * and backward its gradient, the same memory viewed with another shape, on
 * every backend (no kernel to differ). Test: test/layers/reshape.test.ts.
 */
import { ViewLayer } from './view-layer.js';
import { ConfigError, ShapeError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import type { BuildContext, LayerPlan } from './layer.js';
import type { LayerDescriptor } from './layer-descriptor.js';
import { knownLayerOptions } from './validate-options.js';
import { optionKeys } from '../core/check-options.js';

export interface ReshapeOptions {
  /** The per-sample output shape, without the batch dimension; one entry may be -1. */
  targetShape: readonly number[];
  inputShape?: readonly number[];
  name?: string;
  trainable?: boolean;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export class Reshape extends ViewLayer {
  readonly className = 'Reshape';
  readonly namePrefix = 'reshape';
  readonly targetShape: readonly number[];

  constructor(options: ReshapeOptions) {
    super(options ?? {});
    knownLayerOptions('Reshape', options, optionKeys<Omit<ReshapeOptions, 'name' | 'inputShape' | 'trainable'>>({ targetShape: true }));
    const target = (options as Partial<ReshapeOptions> | undefined)?.targetShape;
    if (!Array.isArray(target) || target.length === 0 || !target.every((d) => d === -1 || (Number.isInteger(d) && d > 0)) || target.filter((d) => d === -1).length > 1) {
      throw new ConfigError(`Reshape expects targetShape as a list of positive integers without the batch dimension, at most one of them -1 (inferred), e.g. [28, 28, 1]; received ${quoteValue(target)}.`);
    }
    this.targetShape = [...target];
  }

  /** The output shape for `inputShape`, with a -1 resolved; undefined when the sizes cannot match. */
  private resolve(inputShape: readonly number[]): number[] | undefined {
    const total = size(inputShape);
    const known = size(this.targetShape.filter((d) => d !== -1));
    if (!this.targetShape.includes(-1)) return known === total ? [...this.targetShape] : undefined;
    return total % known === 0 ? this.targetShape.map((d) => (d === -1 ? total / known : d)) : undefined;
  }

  plan(inputShape: readonly number[]): LayerPlan | undefined {
    const outputShape = this.resolve(inputShape);
    return outputShape && { weights: [], outputShape };
  }

  protected computeOutputShape(inputShape: readonly number[], _context: BuildContext): readonly number[] {
    const outputShape = this.resolve(inputShape);
    if (!outputShape) {
      throw new ShapeError(`${this.displayName} cannot reshape input [N, ${inputShape.join(', ')}] (${size(inputShape)} values per sample) to targetShape [${this.targetShape.join(', ')}]; the sizes must match (a -1 entry must divide evenly).`);
    }
    return outputShape;
  }

  getConfig(): Record<string, unknown> {
    // Once built, the -1 resolved: the same layer on the same input, and TF.js cannot build a Dense
    // after a Reshape whose target it has to infer (test/layers/reshape.test.ts, the TF.js export).
    const targetShape = this.built ? [...this.outputShape] : [...this.targetShape];
    return { name: this.name, targetShape, inputShape: this.declaredInputShape };
  }
}

export const reshapeDescriptor: LayerDescriptor<Reshape> = {
  className: 'Reshape',
  config: [{ name: 'name', keras: 'name' }, { name: 'targetShape', keras: 'target_shape' }],
  fixed: [],
  example: { targetShape: [2, 2] },
  create: (options) => new Reshape(options as never),
  onnx(layer, graph) {
    // Keras reshapes the NHWC order; the batch stays first (-1), every other size is known once built.
    graph.toLayout('NHWC', `${layer.name}/to_nhwc`);
    graph.addInt64Initializer(`${layer.name}/shape`, [layer.outputShape.length + 1], [-1, ...layer.outputShape]);
    graph.add(`${layer.name}/Reshape`, 'Reshape', [`${layer.name}/shape`]);
  },
};
