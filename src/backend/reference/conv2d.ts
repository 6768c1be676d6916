/**
 * Reference 2-D convolution (cross-correlation, as in Keras), direct loops.
 * x [N,H,W,C], w [KH,KW,C,OC], y/dy [N,OH,OW,OC]. Positions that fall in the
 * padding read as zero and receive no gradient.
 */
import type { BiasActivationEpilogue, Conv2DInfo, FloatArray } from '../backend.js';
import { biasActivation } from './elementwise.js';

/**
 * Visits every (sample, output position, kernel tap) whose input pixel lies
 * inside the image, with the offsets of that input pixel's channels in x, of
 * the tap's [C, OC] slice in w, and of the output position's channels in y.
 * The three convolution kernels differ only in what they do at each tap.
 */
function forEachTap(g: Conv2DInfo, visit: (xBase: number, wBase: number, yBase: number) => void): void {
  const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: OC } = g;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const yBase = ((n * OH + oh) * OW + ow) * OC;
        for (let kh = 0; kh < g.kernelHeight; kh++) {
          const ih = oh * g.strideHeight + kh - g.padTop;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < g.kernelWidth; kw++) {
            const iw = ow * g.strideWidth + kw - g.padLeft;
            if (iw < 0 || iw >= W) continue;
            visit(((n * H + ih) * W + iw) * C, (kh * g.kernelWidth + kw) * C * OC, yBase);
          }
        }
      }
    }
  }
}

export function conv2d(x: FloatArray, w: FloatArray, y: FloatArray, g: Conv2DInfo, epilogue?: BiasActivationEpilogue): void {
  const { inChannels: C, outChannels: OC } = g;
  y.fill(0, 0, g.batch * g.outHeight * g.outWidth * OC);
  forEachTap(g, (xBase, wBase, yBase) => {
    for (let c = 0; c < C; c++) {
      const xv = x[xBase + c];
      const wRow = wBase + c * OC;
      for (let oc = 0; oc < OC; oc++) y[yBase + oc] += xv * w[wRow + oc];
    }
  });
  if (epilogue) biasActivation(y, epilogue.bias, g.batch * g.outHeight * g.outWidth, OC, epilogue.activation);
}


export function conv2dBackpropInput(dy: FloatArray, w: FloatArray, dx: FloatArray, g: Conv2DInfo): void {
  const { inChannels: C, outChannels: OC } = g;
  dx.fill(0, 0, g.batch * g.inHeight * g.inWidth * C);
  forEachTap(g, (xBase, wBase, dyBase) => {
    for (let c = 0; c < C; c++) {
      const wRow = wBase + c * OC;
      let sum = 0;
      for (let oc = 0; oc < OC; oc++) sum += dy[dyBase + oc] * w[wRow + oc];
      dx[xBase + c] += sum;
    }
  });
}

export function conv2dBackpropFilter(x: FloatArray, dy: FloatArray, dw: FloatArray, g: Conv2DInfo): void {
  const { inChannels: C, outChannels: OC } = g;
  dw.fill(0, 0, g.kernelHeight * g.kernelWidth * C * OC);
  forEachTap(g, (xBase, wBase, dyBase) => {
    for (let c = 0; c < C; c++) {
      const xv = x[xBase + c];
      if (xv === 0) continue;
      const wRow = wBase + c * OC;
      for (let oc = 0; oc < OC; oc++) dw[wRow + oc] += xv * dy[dyBase + oc];
    }
  });
}
