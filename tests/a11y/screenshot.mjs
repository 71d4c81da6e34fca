// Full-page screenshots of built papers, 1200 px wide, in Debian's headless chromium.
//   node screenshot.mjs OUTDIR page1.html page2.html ...
// Writes OUTDIR/<page>.png (a parent-folder prefix when two pages share a name). External requests
// are blocked as in audit.mjs and listed on stderr; animations and the caret are disabled.
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { launch, openPage } from './common.mjs';

const [outdir, ...pages] = process.argv.slice(2);
if (!outdir || pages.length === 0) {
  console.error('usage: node screenshot.mjs OUTDIR page1.html [page2.html ...]');
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });

const FREEZE = `*, *::before, *::after { animation: none !important; transition: none !important;
  caret-color: transparent !important; scroll-behavior: auto !important; }`;

const used = new Set();
const { context, close } = await launch();
try {
  for (const file of pages) {
    let name = basename(file).replace(/\.html?$/i, '');
    if (used.has(name)) name = `${basename(dirname(resolve(file)))}-${name}`;
    used.add(name);
    const out = join(outdir, `${name}.png`);
    const { page, blocked } = await openPage(context, file);
    try {
      await page.addStyleTag({ content: FREEZE });
      await page.screenshot({ path: out, fullPage: true, animations: 'disabled', caret: 'hide', scale: 'css' });
      console.log(out);
      for (const url of blocked) console.error(`${file}: blocked external request ${url}`);
    } finally {
      await page.close();
    }
  }
} finally {
  await close();
}
