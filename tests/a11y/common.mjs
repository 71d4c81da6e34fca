// Shared by audit.mjs and screenshot.mjs: launch Debian's chromium (never a downloaded browser)
// and block every request that would leave the file (a paper must be self-contained).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.CYPP_CHROMIUM || '/usr/bin/chromium';

// ENVIRONMENT-NOTES 6.1: no sandbox (containers, root), no GPU, nothing phoning home.
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--hide-scrollbars',
  '--force-color-profile=srgb', '--font-render-hinting=none',
];

const LOCAL = /^(file|data|about|blob):/i;

/** Launch chromium in a throw-away profile; returns {browser, close}. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'cypp-a11y-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS,
    viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1,
    reducedMotion: 'reduce', locale: 'en-GB', timezoneId: 'Europe/London', offline: false,
  });
  const close = async () => {
    await browser.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  return { context: browser, close };
}

/** Open one page from disk with every non-local request aborted and recorded. */
export async function openPage(context, file) {
  const blocked = [];
  const errors = [];
  const page = await context.newPage();
  const block = (url) => { if (!LOCAL.test(url) && !blocked.includes(url)) blocked.push(url); };
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (LOCAL.test(url)) return route.continue();
    block(url);
    return route.abort('blockedbyclient');
  });
  page.on('request', (req) => block(req.url()));          // anything routing did not see
  page.on('websocket', (ws) => block(ws.url()));
  page.on('pageerror', (err) => errors.push(String(err && err.message || err)));
  await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load', timeout: 60000 });
  // late requests (scripts that fetch after load) are blocked instantly, so this is short
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
  await page.evaluate(() => document.fonts && document.fonts.ready).catch(() => {});
  return { page, blocked, errors };
}
