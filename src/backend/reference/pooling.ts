/** Reference max pooling with argmax, and its backward scatter. x [N,H,W,C], y [N,OH,OW,C]. */
import type { FloatArray, Pool2DInfo } from '../backend.js';

export function maxPool(x: FloatArray, y: FloatArray, argmax: Int32Array | null, g: Pool2DInfo): void {
  const { batch, inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = g;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let ph = 0; ph < g.poolHeight; ph++) {
            const ih = oh * g.strideHeight + ph - g.padTop;
            if (ih < 0 || ih >= H) continue;
            for (let pw = 0; pw < g.poolWidth; pw++) {
              const iw = ow * g.strideWidth + pw - g.padLeft;
              if (iw < 0 || iw >= W) continue;
              const index = ((n * H + ih) * W + iw) * C + c;
              // Strict '>' keeps the first maximum; NaN never wins, but a window
              // of only NaN/-Inf still records its first real position.
              if (x[index] > best || bestIndex < 0) {
                best = x[index];
                bestIndex = index;
              }
            }
          }
          const out = ((n * OH + oh) * OW + ow) * C + c;
          y[out] = best;
          if (argmax) argmax[out] = bestIndex;
        }
      }
    }
  }
}

export function maxPoolBackprop(dy: FloatArray, argmax: Int32Array, dx: FloatArray, g: Pool2DInfo): void {
  dx.fill(0, 0, g.batch * g.inHeight * g.inWidth * g.channels);
  const outputs = g.batch * g.outHeight * g.outWidth * g.channels;
  for (let i = 0; i < outputs; i++) dx[argmax[i]] += dy[i];
}
