/** log(sum(exp(row))) of the row of `cols` values starting at `base`, computed stably (max subtracted first). */
export function logSumExp(values: ArrayLike<number>, base: number, cols: number): number {
  let max = -Infinity;
  for (let c = 0; c < cols; c++) max = Math.max(max, values[base + c]);
  let sum = 0;
  for (let c = 0; c < cols; c++) sum += Math.exp(values[base + c] - max);
  return max + Math.log(sum);
}
