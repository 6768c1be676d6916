/**
 * Reference average pooling and its backward. x [N,H,W,C], y [N,OH,OW,C].
 * Only a window's cells inside the input count (TF 'same' semantics), so the
 * divisor is the number of those cells, not the window's size.
 */
import type { FloatArray, Pool2DInfo } from '../backend.js';

/** The window of output (oh, ow) clipped to the input: [ihLo, ihHi) x [iwLo, iwHi). */
function clippedWindow(g: Pool2DInfo, oh: number, ow: number): [number, number, number, number] {
  const ih0 = oh * g.strideHeight - g.padTop, iw0 = ow * g.strideWidth - g.padLeft;
  return [Math.max(ih0, 0), Math.min(ih0 + g.poolHeight, g.inHeight), Math.max(iw0, 0), Math.min(iw0 + g.poolWidth, g.inWidth)];
}

export function avgPool(x: FloatArray, y: FloatArray, g: Pool2DInfo): void {
  const { batch, inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = g;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const [ihLo, ihHi, iwLo, iwHi] = clippedWindow(g, oh, ow);
        const count = Math.max(ihHi - ihLo, 0) * Math.max(iwHi - iwLo, 0);
        for (let c = 0; c < C; c++) {
          let sum = 0;
          for (let ih = ihLo; ih < ihHi; ih++) {
            for (let iw = iwLo; iw < iwHi; iw++) sum += x[((n * H + ih) * W + iw) * C + c];
          }
          y[((n * OH + oh) * OW + ow) * C + c] = count > 0 ? sum / count : 0;
        }
      }
    }
  }
}

export function avgPoolBackprop(dy: FloatArray, dx: FloatArray, g: Pool2DInfo): void {
  const { batch, inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = g;
  dx.fill(0, 0, batch * H * W * C);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const [ihLo, ihHi, iwLo, iwHi] = clippedWindow(g, oh, ow);
        const count = Math.max(ihHi - ihLo, 0) * Math.max(iwHi - iwLo, 0);
        for (let c = 0; c < C; c++) {
          const share = dy[((n * OH + oh) * OW + ow) * C + c] / count;
          for (let ih = ihLo; ih < ihHi; ih++) {
            for (let iw = iwLo; iw < iwHi; iw++) dx[((n * H + ih) * W + iw) * C + c] += share;
          }
        }
      }
    }
  }
}
