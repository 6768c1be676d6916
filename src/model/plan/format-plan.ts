/**
 * The plan as text, for summary({ plan: true }) and `convkit summary --details`:
 * one line per step, what fused and into which kernels, and why the rest did not.
 */
import type { Loss } from '../../losses/losses.js';
import type { ExecutionPlan, StepDecision } from './execution-plan.js';
import { SIGMOID_CROSS_ENTROPY_RULE, SOFTMAX_CROSS_ENTROPY_RULE, type KernelChoice } from './fusion-rules.js';

function kernelText(kernels: readonly KernelChoice[]): string {
  const fused = kernels.filter((k) => k.kernel !== null);
  const reasons = new Set(kernels.filter((k) => k.kernel === null).map((k) => k.reason));
  // Both parts unfused for one reason (a 3x3 pool, a backend without fused kernels): say it once.
  if (fused.length === 0 && reasons.size === 1) return `not fused: ${[...reasons][0]}`;
  return kernels.map((k) => (k.kernel !== null ? `${k.part} ${k.kernel}` : `${k.part} not fused: ${k.reason}`)).join('; ');
}

function stepText(decision: StepDecision): string {
  const names = decision.layers.join(' + ');
  if (decision.rule !== null) {
    const allFused = decision.kernels.every((k) => k.kernel !== null);
    return `${names}: ${allFused ? 'fused' : 'block'} ${decision.rule}: ${kernelText(decision.kernels)}`;
  }
  return decision.notApplied.length > 0 ? `${names}: not fused: ${decision.notApplied.join('; ')}` : names;
}

/** What the softmax + cross-entropy rule does with the compiled loss (or would, before compile()). */
function lossText(plan: ExecutionPlan, loss: Loss | undefined): string {
  if (plan.sigmoidOutput) {
    if (!loss) return `${SIGMOID_CROSS_ENTROPY_RULE}: binary cross-entropy will start backward from dL/dz = p - t (not compiled yet)`;
    if (!loss.fromSigmoidOutput) return `${SIGMOID_CROSS_ENTROPY_RULE}: not fused: ${loss.name} is not binary cross-entropy, so it reads the sigmoid output`;
    if (loss.fromLogits) return `${SIGMOID_CROSS_ENTROPY_RULE}: not fused: the loss is compiled with fromLogits, so it takes the sigmoid output as logits`;
    return `fused ${SIGMOID_CROSS_ENTROPY_RULE}: ${loss.name} starts backward from dL/dz = p - t, unclipped`;
  }
  if (!plan.softmaxOutput) return `${SOFTMAX_CROSS_ENTROPY_RULE}: not fused: ${plan.softmaxReason}`;
  if (!loss) return `${SOFTMAX_CROSS_ENTROPY_RULE}: a cross-entropy loss will read the logits (not compiled yet)`;
  if (!loss.fusesWithSoftmax) return `${SOFTMAX_CROSS_ENTROPY_RULE}: not fused: ${loss.name} is not a categorical cross-entropy, so it reads the softmax output`;
  if (loss.fromLogits) return `${SOFTMAX_CROSS_ENTROPY_RULE}: not fused: the loss is compiled with fromLogits, so it takes the softmax output as logits`;
  return `fused ${SOFTMAX_CROSS_ENTROPY_RULE}: ${loss.name} reads the logits (log-sum-exp), backward starts from dL/dlogits`;
}

export function formatPlan(plan: ExecutionPlan, backendDescription: string, loss: Loss | undefined): string {
  const lines = [`Execution plan on ${backendDescription}:`];
  const last = plan.decisions.length - 1;
  plan.decisions.forEach((decision, i) => {
    lines.push(`  ${i + 1}. ${stepText(decision)}`);
    if (i === last) lines.push(`     ${lossText(plan, loss)}`);
  });
  return lines.join('\n');
}
