/**
 * Ctrl-C during a long command (train): the first SIGINT asks training to stop
 * after the current step, through an AbortSignal, and says so; the command then
 * reports where it stopped and saves nothing. fit() gives the event loop a turn
 * every 50 ms of work, which is what lets this handler run at all. A second
 * SIGINT quits at once with Node's usual status 130 (model files are written
 * atomically, io/atomic-write.ts, so even then no file is left half-written).
 * Test: test/cli/train-interrupt.test.ts.
 */
export interface Interrupt {
  readonly signal: AbortSignal;
  /** Removes the handler: SIGINT kills the process again, as by default. */
  dispose(): void;
}

export function onInterrupt(what: string, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Interrupt {
  const controller = new AbortController();
  const handler = (): void => {
    if (controller.signal.aborted) {
      log('convkit: interrupted again; quitting now.');
      process.exit(130);
    }
    log(`\nconvkit: Ctrl-C: stopping ${what} after the current step (Ctrl-C again to quit at once).`);
    controller.abort();
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}
