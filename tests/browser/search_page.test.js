// The search page in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): search, highlighted hits, facet drill-down, article view, phone width.
// Run by ctest through run.sh:  node --test  with HERALD_SERVER, HERALD_INDEXER, HERALD_DATA.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const SERVER = process.env.HERALD_SERVER;
const INDEXER = process.env.HERALD_INDEXER;
const DATA = process.env.HERALD_DATA;
const SHOTS = process.env.HERALD_SCREENSHOT_DIR || '';

let tmp, server, context, base;

before(async () => {
  assert.ok(SERVER && INDEXER && DATA, 'HERALD_SERVER, HERALD_INDEXER and HERALD_DATA must be set');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-browser-'));
  const index = path.join(tmp, 'idx');
  // Given entities only (--no-entities): the test does not depend on the NER model.
  execFileSync(INDEXER, ['--index', index, '--no-entities', '--skip-errors', '-q',
    path.join(DATA, 'articles.jsonl'), path.join(DATA, 'entities.jsonl')], { stdio: 'pipe' });

  server = spawn(SERVER, ['--index', index, '--listen', '127.0.0.1:0', '--quiet'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('herald-server did not start: ' + out)), 10000);
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on('exit', (code) => reject(new Error('herald-server exited with ' + code + ': ' + out)));
  });

  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1200, height: 900 },
  });
});

after(async () => {
  if (context) await context.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// The sidebar's facet values as {name: count} for one facet.
async function facetCounts(page, facet) {
  return page.$$eval(`fieldset[data-facet="${facet}"] .facet-value`, (rows) =>
    Object.fromEntries(rows.map((r) => [r.querySelector('.facet-name').textContent,
      Number(r.querySelector('.facet-count').textContent)])));
}

test('search, see highlighted hits, drill down by a facet, open an article', async () => {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  await page.fill('#q', 'talks');
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('#hits .hit').length === 5);

  // e1¶1, e2¶1, e2¶2, e3¶1 and a1¶1. Every hit shows the match highlighted by the server's <mark>.
  const marks = await page.$$eval('#hits .hit', (hits) => hits.map((h) =>
    [...h.querySelectorAll('.snippet mark')].map((m) => m.textContent.toLowerCase())));
  assert.equal(marks.length, 5);
  for (const m of marks) assert.ok(m.includes('talks'), 'a hit without <mark>talks</mark>: ' + m);
  assert.match(await page.textContent('#status'), /1–5 of 5 matching paragraphs/);

  assert.deepEqual(await facetCounts(page, 'person'), { 'Vladimir Putin': 3, 'Joe Biden': 2 });
  const placesBefore = await facetCounts(page, 'place');
  assert.equal(placesBefore.Geneva, 2);
  assert.equal(placesBefore.Moscow, 1);
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'search-wide.png'), fullPage: true });

  // Tick "Joe Biden": the hits and the counts narrow to his paragraphs (e1¶1, e3¶1).
  await page.check('fieldset[data-facet="person"] input[value="Joe Biden"]');
  await page.waitForFunction(() => document.querySelectorAll('#hits .hit').length === 2);
  assert.deepEqual(await facetCounts(page, 'person'), { 'Joe Biden': 2, 'Vladimir Putin': 1 });
  const placesAfter = await facetCounts(page, 'place');
  assert.equal(placesAfter.Geneva, 2);
  assert.equal(placesAfter.Moscow, undefined);
  assert.ok(page.url().includes('person=Joe+Biden'), page.url());
  assert.equal(await page.isChecked('fieldset[data-facet="person"] input[value="Joe Biden"]'), true);

  // Open the first hit: the article view shows its title and paragraphs.
  const title = await page.textContent('#hits .hit:first-child .hit-title');
  await page.click('#hits .hit:first-child .hit-title');
  await page.waitForSelector('#article-view:not([hidden]) #article-body p');
  assert.equal(await page.textContent('#article-title'), title);
  const paragraphs = await page.$$eval('#article-body p', (ps) => ps.map((p) => p.textContent));
  assert.ok(paragraphs.length >= 1);
  assert.ok(paragraphs.some((p) => p.includes('talks')));
  assert.equal(await page.$$eval('#article-body p.current', (ps) => ps.length), 1);
  assert.equal(await page.isHidden('#results-view'), true);

  // Back to the results, still filtered.
  await page.click('#back');
  await page.waitForFunction(() => document.querySelectorAll('#hits .hit').length === 2);
  assert.deepEqual(errors, []);
  await page.close();
});

test('markup stored in an article is shown as text, never run', async () => {
  const page = await context.newPage();
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs++; await d.dismiss(); });
  await page.goto(base + '?q=onerror');
  await page.waitForSelector('#hits .hit');
  assert.equal(await page.$$eval('#hits img, #hits script', (els) => els.length), 0);
  const snippet = await page.textContent('#hits .snippet');
  assert.ok(snippet.includes('<img src=x onerror=alert(1)>'), snippet);
  await page.click('#hits .hit:first-child .hit-title');
  await page.waitForSelector('#article-view:not([hidden]) #article-body p');
  assert.equal(await page.$$eval('#article-body img, #article-body script', (els) => els.length), 0);
  assert.match(await page.textContent('#article-body'), /<script>alert\(1\)<\/script>/);
  assert.equal(dialogs, 0);
  await page.close();
});

test('a bad query shows the server message; the page fits a phone-width screen', async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(base + '?q=AND+AND');
  await page.waitForSelector('#status.error');
  assert.ok((await page.textContent('#status')).length > 0);

  await page.goto(base + '?q=talks');
  await page.waitForFunction(() => document.querySelectorAll('#hits .hit').length === 5);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, 'horizontal overflow of ' + overflow + ' px at 390 px');
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'search-phone.png'), fullPage: true });
  await page.close();
});
