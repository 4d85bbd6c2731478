// Debian's Chromium for browser tests, driven with playwright-core: found at /usr/bin/chromium
// (installed by .ci/run), started headless with a fresh profile and without the background
// connections it would otherwise try (which this closed network refuses). A test whose Chromium
// is missing skips with the reason, and fails under CI=true, like the oracles.
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const underCi = (): boolean => process.env['CI'] === 'true' || process.env['CI'] === '1';

function installed(): boolean {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The `skip` option of a browser test: false when Chromium is there (or under CI), else why not. */
export function chromiumSkip(): string | false {
  if (installed() || underCi()) return false;
  const reason = `${CHROMIUM} not installed (apt-get install chromium; .ci/run installs it)`;
  console.log(`# skipped: ${reason}`);
  return reason;
}

export interface Chromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile; throws (failing the test) when it is missing. */
export async function openChromium(): Promise<Chromium> {
  if (!installed()) {
    throw new Error(
      `${CHROMIUM} not installed${underCi() ? '; under CI a missing browser is a failure' : ''}`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'flotilla-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1440, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
