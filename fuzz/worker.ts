/**
 * One fuzz worker process: runs inputs [start, end) of one target and reports
 * each on file descriptor 3, one line per event, written synchronously so the
 * parent knows which input was running if this process dies:
 *   S i          input i starts
 *   A i / R i    accepted / refused with a documented error
 *   F i <json>   failed: any other exception ({ message, stack })
 *   M i <bytes>  resident memory passed the limit after input i (the process then exits)
 *   U <reason>   the target is unavailable here (the native addon did not load)
 *   G i <json>   the fuzzer's own generator failed on input i (a bug in fuzz/, reported as a failure)
 *   E            the range (or the run's time) is done
 * Usage (from fuzz/fuzz-pool.ts): worker.js TARGET SEED START END MILD DEADLINE_MS MAX_RSS_BYTES
 */
import { writeSync } from 'node:fs';
import { targetByName } from './targets/index.js';
import { inputRandom } from './input-random.js';

const PROTOCOL_FD = 3;
const say = (line: string): void => {
  writeSync(PROTOCOL_FD, `${line}\n`);
};

const [name, seedText, startText, endText, mildText, deadlineText, maxRssText] = process.argv.slice(2);
const target = targetByName(name!);
const seed = Number(seedText), start = Number(startText), end = Number(endText);
const profile = { mild: mildText === '1' };
const deadline = Number(deadlineText), maxRss = Number(maxRssText);

const unavailable = target.unavailable?.();
if (unavailable) {
  say(`U ${unavailable.replace(/\n/g, ' ')}`);
  process.exit(0);
}
const seeds = await target.seeds();
for (let i = start; i < end && Date.now() < deadline; i++) {
  let input: unknown;
  try {
    input = await target.generate(inputRandom(seed, target.name, i), seeds, profile, i);
  } catch (error) {
    say(`G ${i} ${JSON.stringify({ message: `the fuzzer's generator failed: ${String((error as Error)?.stack ?? error).slice(0, 2000)}` })}`);
    continue;
  }
  say(`S ${i}`);
  try {
    await target.run(input);
    say(`A ${i}`);
  } catch (error) {
    if (target.isRefusal(error)) {
      say(`R ${i}`);
    } else {
      const e = error as Error;
      say(`F ${i} ${JSON.stringify({ message: `${e?.name ?? typeof error}: ${String(e?.message ?? error).slice(0, 2000)}`, stack: String(e?.stack ?? '').slice(0, 4000) })}`);
    }
  }
  const rss = process.memoryUsage.rss();
  if (rss > maxRss) {
    say(`M ${i} ${rss}`);
    process.exit(0);
  }
}
say('E');
