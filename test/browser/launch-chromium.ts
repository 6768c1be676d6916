/**
 * Headless Chromium for the page tests: Debian's build at /usr/bin/chromium
 * (CONVKIT_CHROMIUM overrides the path), driven by playwright-core, which
 * downloads no browser of its own. Each launch gets a fresh profile folder,
 * removed on close, and flags that keep Chromium from reaching the network
 * by itself (update checks, sync, QUIC probes), so a test sees only the
 * traffic its page makes.
 *
 * Where Chromium is missing the tests skip with a message saying how to
 * install it, unless CONVKIT_REQUIRE_BROWSER=1 (.ci/run sets it, after
 * installing chromium): then they fail instead of passing silently.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CONVKIT_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A reason to skip for node:test's `skip` option, or false when Chromium is there (or required, so a missing one fails). */
export function browserSkip(): string | false {
  if (existsSync(CHROMIUM_PATH)) return false;
  if (process.env.CONVKIT_REQUIRE_BROWSER === '1') return false;
  return `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CONVKIT_CHROMIUM; CONVKIT_REQUIRE_BROWSER=1 makes this a failure.`;
}

export interface LaunchedBrowser {
  context: BrowserContext;
  /** Console errors and uncaught page errors of every page opened in this context. */
  errors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
  /** Emulates a touch screen (touch events become pointer events of type 'touch'). */
  hasTouch?: boolean;
  /** Blocks every request that is not file:// or to this origin (e.g. 'http://127.0.0.1:1234'); none allowed when ''. */
  onlyOrigin?: string;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; CONVKIT_REQUIRE_BROWSER=1 requires it. Install it with: apt-get install -y chromium`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'convkit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    hasTouch: options.hasTouch ?? false,
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  if (options.onlyOrigin !== undefined) {
    const allowed = options.onlyOrigin;
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:') || (allowed !== '' && url.startsWith(`${allowed}/`))) return route.continue();
      errors.push(`blocked request: ${url}`);
      return route.abort();
    });
  }
  return {
    context,
    errors,
    newPage: async () => {
      const existing = context.pages().find((p) => p.url() === 'about:blank');
      return existing ?? context.newPage();
    },
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
