// Accessibility audit of built papers: axe-core (WCAG 2.0/2.1/2.2 A and AA; best-practice as
// advisory) plus our own checks, in Debian's headless chromium.
//   node audit.mjs --json OUT.json page1.html page2.html ...
// Exit code is 0 whatever the findings (the Python test decides); non-zero only if this crashes.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { launch, openPage } from './common.mjs';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_SOURCE = readFileSync(AXE_PATH, 'utf8');
const AXE_VERSION = require('axe-core/package.json').version;
// What we fail on. axe 4.14 has no rule tagged 'wcag22a' yet; tags it does not know are dropped
// (and listed in the output) rather than making axe throw.
const WANTED = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const ADVISORY = ['best-practice'];
const PLACEHOLDER_ALT = 'No description has been provided for this image';

function parseArgs(argv) {
  let out = null;
  const pages = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') out = argv[++i];
    else pages.push(argv[i]);
  }
  if (!out || pages.length === 0) {
    console.error('usage: node audit.mjs --json OUT.json page1.html [page2.html ...]');
    process.exit(2);
  }
  return { out, pages };
}

const summarise = (r) => ({
  id: r.id, impact: r.impact, help: r.help, helpUrl: r.helpUrl,
  nodes: r.nodes.length, targets: r.nodes.slice(0, 5).map((n) => n.target.join(' ')),
});

// Runs inside the page.
function ownChecks(placeholder) {
  const hidden = (el) => !!el.closest('[hidden], [aria-hidden="true"]');
  const describe = (el) => {
    const src = el.getAttribute('src') || '';
    return el.id ? `#${el.id}` : (src.startsWith('data:') ? `${src.slice(0, 30)}...` : src || el.outerHTML.slice(0, 80));
  };
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')]
    .filter((h) => !hidden(h))
    .map((h) => ({
      level: /^H[1-6]$/.test(h.tagName) ? Number(h.tagName[1]) : Number(h.getAttribute('aria-level') || 2),
      text: h.textContent.replace(/\u00b6/g, '').trim().replace(/\s+/g, ' ').slice(0, 80),
    }));
  const skips = [];
  for (let i = 1; i < headings.length; i++) {
    if (headings[i].level > headings[i - 1].level + 1) {
      skips.push(`h${headings[i - 1].level} "${headings[i - 1].text}" -> h${headings[i].level} "${headings[i].text}"`);
    }
  }
  const imgs = [...document.querySelectorAll('img')];
  const lang = document.documentElement.getAttribute('lang');
  return {
    h1_count: headings.filter((h) => h.level === 1).length,
    h1_texts: headings.filter((h) => h.level === 1).map((h) => h.text),
    lang: lang && lang.trim() ? lang.trim() : null,
    title: document.title.trim(),
    images: imgs.length,
    img_missing_alt: imgs.filter((i) => !(i.getAttribute('alt') || '').trim()).map(describe),
    img_placeholder_alt: imgs.filter((i) => (i.getAttribute('alt') || '').includes(placeholder)).map(describe),
    heading_skips: skips,
  };
}

async function auditOne(context, file) {
  const t0 = Date.now();
  const { page, blocked, errors } = await openPage(context, file);
  try {
    await page.evaluate(AXE_SOURCE);
    const known = await page.evaluate(() => [...new Set(window.axe.getRules().flatMap((r) => r.tags))]);
    const run = [...WANTED, ...ADVISORY].filter((t) => known.includes(t));
    const res = await page.evaluate((values) => window.axe.run(document, {
      runOnly: { type: 'tag', values }, resultTypes: ['violations', 'incomplete'],
    }), run);
    const failing = (r) => r.tags.some((t) => WANTED.includes(t));
    return {
      violations: res.violations.filter(failing).map(summarise),
      advisory: res.violations.filter((r) => !failing(r)).map(summarise),
      needs_review: res.incomplete.map(summarise),
      requests_blocked: blocked,
      page_errors: errors,
      own_checks: await page.evaluate(ownChecks, PLACEHOLDER_ALT),
      axe: { version: AXE_VERSION, tags_run: run, tags_unknown: WANTED.filter((t) => !known.includes(t)) },
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    await page.close();
  }
}

const { out, pages } = parseArgs(process.argv.slice(2));
const { context, close } = await launch();
const results = {};
try {
  for (const file of pages) {
    try {
      results[resolve(file)] = await auditOne(context, file);
    } catch (err) {
      // a page that cannot be opened or audited is a finding for that page, not a crash
      results[resolve(file)] = { error: String(err && err.stack || err) };
    }
  }
} finally {
  await close();
}
writeFileSync(out, JSON.stringify(results, null, 2));
