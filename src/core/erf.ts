/**
 * The error function to double precision, for the reference backend's exact
 * GELU (Keras's default, approximate=False): x * (1 + erf(x / sqrt 2)) / 2.
 * JavaScript has no Math.erf; the native backend uses C's.
 *
 * |x| < 3: the series erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)),
 * whose terms are all positive (no cancellation). 3 <= |x| < 6: the continued
 * fraction of erfc, evaluated bottom-up. |x| >= 6: erf is 1 to double precision.
 * Test: test/core/erf.test.ts (against tabulated values).
 */
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x, sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x >= 3 by its continued fraction x + (1/2)/(x + 1/(x + (3/2)/(x + ...))). */
function erfcContinuedFraction(x: number): number {
  let fraction = x;
  for (let k = 60; k >= 1; k--) fraction = x + k / 2 / fraction;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / fraction;
}

export function erf(x: number): number {
  const a = Math.abs(x);
  if (Number.isNaN(x)) return NaN;
  const value = a < 3 ? erfSeries(a) : a < 6 ? 1 - erfcContinuedFraction(a) : 1;
  return x < 0 ? -value : value;
}
