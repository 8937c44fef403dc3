// The search page in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): story hits with numbered passages, the other matching paragraphs on
// demand, the Stories/Paragraphs switch, facet drill-down, the article view with the query
// marked, markup shown as text, errors, phone width.
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

// Every hit as {article, where, passages: [{number, text, marks}], more} (more: the toggle's
// text, or null).
async function hitList(page) {
  return page.$$eval('#hits .hit', (hits) => hits.map((h) => ({
    article: h.dataset.article,
    where: h.querySelector('.hit-where').textContent,
    passages: [...h.querySelectorAll('.passages .passage')].map((p) => ({
      number: p.querySelector('.para-no').textContent,
      text: p.querySelector('.passage-text').textContent,
      marks: [...p.querySelectorAll('mark')].map((m) => m.textContent.toLowerCase()),
    })),
    more: h.querySelector('.more-toggle') ? h.querySelector('.more-toggle').textContent : null,
  })));
}

// The API's own answer, to check the page against where the server chooses (which passages
// a story shows).
async function apiSearch(params) {
  const res = await fetch(base + 'api/search?' + new URLSearchParams(params));
  assert.equal(res.status, 200);
  return res.json();
}

// A snippet's text as a browser shows it (the server's HTML, tags dropped, entities decoded).
async function snippetText(page, html) {
  return page.evaluate((h) => {
    const t = document.createElement('template');
    t.innerHTML = h;
    return t.content.textContent;
  }, html);
}

// The page's passages of each hit against the API's passages of the same search.
async function assertPassagesAsApi(page, params) {
  const api = await apiSearch(params);
  const hits = await hitList(page);
  assert.deepEqual(hits.map((h) => h.article), api.hits.map((h) => h.article_id));
  for (const [i, h] of hits.entries()) {
    const want = api.hits[i].passages;
    assert.ok(Array.isArray(want) && want.length >= 1, 'the API gave no passages for ' + h.article);
    assert.deepEqual(h.passages.map((p) => p.number), want.map((p) => '¶' + p.paragraph));
    for (const [j, p] of h.passages.entries()) assert.equal(p.text, await snippetText(page, want[j].snippet));
  }
  return api;
}

// The paragraph texts of the fixture's e2, both with "talks".
const E2 = {
  1: 'Vladimir Putin hosted talks in Moscow.',
  2: 'Officials from the United Nations joined the talks with Vladimir Putin’s advisers.',
};

const hitCount = (page, n) =>
  page.waitForFunction((want) => document.querySelectorAll('#hits .hit').length === want, n);

// The article view's paragraphs as {id, text, marks, match, current}.
async function articleParagraphs(page) {
  return page.$$eval('#article-body p', (ps) => ps.map((p) => ({
    id: p.id,
    text: p.textContent,
    marks: [...p.querySelectorAll('mark')].map((m) => m.textContent.toLowerCase()),
    match: p.classList.contains('match'),
    current: p.classList.contains('current'),
  })));
}

test('search stories, see numbered passages, drill down by a facet, open an article', async () => {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  assert.equal(await page.isChecked('#within-article'), true);
  await page.fill('#q', 'talks');
  await page.press('#q', 'Enter');
  await hitCount(page, 4);

  // One hit per story: e2 (talks in ¶1 and ¶2), e3, e1 and a1 (talks in ¶1). Each shows its
  // passages, numbered, with the match highlighted by the server's <mark>.
  const hits = await hitList(page);
  assert.deepEqual(hits.map((h) => h.article).sort(), ['a1', 'e1', 'e2', 'e3']);
  for (const h of hits) {
    assert.ok(h.passages.length >= 1, 'a story without passages: ' + h.article);
    for (const p of h.passages) {
      assert.match(p.number, /^¶[12]$/);
      assert.ok(p.marks.includes('talks'), 'a passage without <mark>talks</mark>: ' + p.text);
    }
    assert.equal(h.where, h.article);
  }
  await assertPassagesAsApi(page, { q: 'talks', within: 'article', limit: 10 });
  assert.match(await page.textContent('#status'), /1–4 of 4 matching articles/);
  assert.ok(!page.url().includes('within='), page.url());

  // Facets count stories: Putin is in e1 and e2 (a1 has no given entities), Biden in e1 and e3.
  assert.deepEqual(await facetCounts(page, 'person'), { 'Vladimir Putin': 2, 'Joe Biden': 2 });
  const placesBefore = await facetCounts(page, 'place');
  assert.equal(placesBefore.Geneva, 2);
  assert.equal(placesBefore.Moscow, 1);
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'search-wide.png'), fullPage: true });

  // Tick "Joe Biden": the hits and the counts narrow to his stories (e1, e3).
  await page.check('fieldset[data-facet="person"] input[value="Joe Biden"]');
  await hitCount(page, 2);
  assert.deepEqual((await hitList(page)).map((h) => h.article).sort(), ['e1', 'e3']);
  assert.deepEqual(await facetCounts(page, 'person'), { 'Joe Biden': 2, 'Vladimir Putin': 1 });
  const placesAfter = await facetCounts(page, 'place');
  assert.equal(placesAfter.Geneva, 2);
  assert.equal(placesAfter.Moscow, undefined);
  assert.ok(page.url().includes('person=Joe+Biden'), page.url());
  assert.equal(await page.isChecked('fieldset[data-facet="person"] input[value="Joe Biden"]'), true);

  // Open the first hit: the article view shows its title and paragraphs, the query marked.
  const title = await page.textContent('#hits .hit:first-child .hit-title');
  await page.click('#hits .hit:first-child .hit-title');
  await page.waitForSelector('#article-view:not([hidden]) #article-body p');
  assert.equal(await page.textContent('#article-title'), title);
  const paragraphs = await articleParagraphs(page);
  assert.ok(paragraphs.length >= 1);
  assert.ok(paragraphs.some((p) => p.marks.includes('talks')));
  assert.equal(paragraphs.filter((p) => p.current).length, 1);
  assert.equal(await page.isHidden('#results-view'), true);

  // Back to the results, still filtered.
  await page.click('#back');
  await hitCount(page, 2);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a story lists its other matching paragraphs on demand', async () => {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const articleRequests = [];
  page.on('request', (r) => { if (r.url().includes('/api/articles/')) articleRequests.push(r.url()); });
  await page.goto(base + '?q=talks');
  await hitCount(page, 4);

  // e2 matches in ¶1 and ¶2; whichever of them the server leaves out of its passages is
  // offered behind the control. The other stories match in one paragraph only.
  const api = await assertPassagesAsApi(page, { q: 'talks', within: 'article', limit: 10 });
  const apiE2 = api.hits.find((h) => h.article_id === 'e2');
  assert.deepEqual(apiE2.paragraphs.slice().sort(), [1, 2]);
  const shown = apiE2.passages.map((p) => p.paragraph);
  const others = [1, 2].filter((n) => !shown.includes(n));
  assert.ok(others.length >= 1, 'the fixture needs a story with more matching paragraphs than passages');
  const hits = await hitList(page);
  const e2 = hits.find((h) => h.article === 'e2');
  assert.equal(e2.more, others.length + ' more matching paragraph' + (others.length === 1 ? '' : 's'));
  for (const h of hits.filter((x) => x.article !== 'e2')) assert.equal(h.more, null, h.article);

  const toggle = page.locator('#hits .hit[data-article="e2"] .more-toggle');
  const list = page.locator('#hits .hit[data-article="e2"] .more-passages');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await list.isHidden(), true);
  assert.equal(await toggle.getAttribute('aria-controls'), await list.getAttribute('id'));
  assert.equal(articleRequests.length, 0);

  // Open it from the keyboard: the paragraphs appear with their numbers and the query marked.
  await toggle.focus();
  await page.keyboard.press('Enter');
  await list.locator('.passage').first().waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.equal(await list.isVisible(), true);
  const more = await list.locator('.passage').evaluateAll((ps) => ps.map((p) => ({
    number: p.querySelector('.para-no').textContent,
    text: p.querySelector('.passage-text').textContent,
    marks: [...p.querySelectorAll('mark')].map((m) => m.textContent.toLowerCase()),
  })));
  assert.deepEqual(more, others.map((n) => ({ number: '¶' + n, text: E2[n], marks: ['talks'] })));
  assert.equal(articleRequests.length, 1);
  assert.match(articleRequests[0], /\/api\/articles\/e2\?q=talks$/);
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'search-more.png'), fullPage: true });

  // Close and open again: no second fetch.
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await list.isHidden(), true);
  await toggle.click();
  assert.equal(await list.isVisible(), true);
  assert.equal(await list.locator('.passage').count(), others.length);
  assert.equal(articleRequests.length, 1);

  // Its number links to that paragraph in the article view.
  await list.locator('.para-no').first().click();
  await page.waitForSelector('#article-view:not([hidden]) #article-body p');
  assert.ok(page.url().includes('article=e2') && page.url().includes('paragraph=' + others[0]), page.url());
  assert.deepEqual((await articleParagraphs(page)).filter((p) => p.current).map((p) => p.id), ['p' + others[0]]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a failed fetch of the other paragraphs is reported and retried on the next opening', async () => {
  const page = await context.newPage();
  await page.goto(base + '?q=talks');
  await hitCount(page, 4);
  let fail = true;
  await page.route('**/api/articles/**', (route) => (fail
    ? route.fulfill({ status: 503, contentType: 'application/json',
      body: '{"error": {"code": "overloaded", "message": "every search worker is busy; retry shortly"}}' })
    : route.continue()));
  const toggle = page.locator('#hits .hit[data-article="e2"] .more-toggle');
  const list = page.locator('#hits .hit[data-article="e2"] .more-passages');
  await toggle.click();
  await list.locator('.more-status.error').waitFor();
  assert.match(await list.textContent(), /every search worker is busy/);
  fail = false;
  await toggle.click();  // close
  await toggle.click();  // open: fetches again
  await list.locator('.passage').first().waitFor();
  assert.equal(await list.locator('.more-status').count(), 0);
  assert.ok((await list.locator('.para-no').count()) >= 1);
  await page.close();
});

test('a story with the query words in different paragraphs shows each of them', async () => {
  const page = await context.newPage();
  // "beijing" is only in a1 ¶1 and "delegation" only in a1 ¶2: one story that matches in
  // both, shown as passages or behind the control.
  await page.goto(base + '?q=beijing+delegation');
  await hitCount(page, 1);
  await assertPassagesAsApi(page, { q: 'beijing delegation', within: 'article', limit: 10 });
  const [hit] = await hitList(page);
  assert.equal(hit.article, 'a1');
  const seen = hit.passages.map((p) => [p.number, p.marks]);
  if (hit.more) {
    await page.click('#hits .more-toggle');
    await page.waitForSelector('#hits .more-passages .passage');
    seen.push(...await page.$$eval('#hits .more-passages .passage', (ps) => ps.map((p) =>
      [p.querySelector('.para-no').textContent, [...p.querySelectorAll('mark')].map((m) => m.textContent.toLowerCase())])));
  }
  seen.sort((x, y) => x[0].localeCompare(y[0]));
  assert.deepEqual(seen, [['¶1', ['beijing']], ['¶2', ['delegation']]]);
  assert.match(await page.textContent('#status'), /1–1 of 1 matching article \(/);
  await page.close();
});

test('story hits as the page draws them: passages in order, the rest on demand, text kept as text', async () => {
  // A made-up answer, so the test fixes exactly what the page receives.
  const page = await context.newPage();
  const search = {
    within: 'article', query: 'ship', took_ms: 0.5, facets: {}, facets_exact: true, suggestion: null,
    total: { estimate: 1, lower_bound: 1, upper_bound: 1 },
    hits: [{
      id: 'z9#3', article_id: 'z9', paragraph: 3, paragraphs: [3, 1, 7, 5], score: 1,
      title: 'A <b>bold</b> title', url: '', source: 'Mock', published: '2020-02-03T00:00:00Z',
      snippet: 'first <mark>ship</mark> … third <mark>ship</mark>', entities: [],
      passages: [{ paragraph: 1, snippet: 'first <mark>ship</mark> &lt;i&gt;' },
        { paragraph: 3, snippet: 'third <mark>ship</mark>' }],
    }],
  };
  const article = {
    id: 'z9', title: 'A <b>bold</b> title', url: '', source: 'Mock', language: 'en',
    published: '2020-02-03T00:00:00Z', tags: {}, entities: [],
    paragraphs: [1, 2, 3, 4, 5, 6, 7].map((n) => ({ paragraph: n, entities: [], text: 'para ' + n + ' <u>ship</u>',
      matches: n % 2 === 1, ...(n === 7 ? {} : { marked: 'para ' + n + ' &lt;u&gt;<mark>ship</mark>&lt;/u&gt;' }) })),
  };
  const json = (body) => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  const asked = [];
  await page.route('**/api/search?**', (route) => { asked.push(route.request().url()); route.fulfill(json(search)); });
  await page.route('**/api/articles/**', (route) => route.fulfill(json(article)));
  await page.goto(base + '?q=ship');
  await hitCount(page, 1);
  assert.match(asked[0], /[?&]within=article(&|$)/);
  assert.equal(await page.textContent('#hits .hit-title'), 'A <b>bold</b> title');
  const [hit] = await hitList(page);
  assert.deepEqual(hit.passages, [
    { number: '¶1', text: 'first ship <i>', marks: ['ship'] },
    { number: '¶3', text: 'third ship', marks: ['ship'] },
  ]);
  assert.equal(hit.more, '2 more matching paragraphs');
  await page.click('#hits .more-toggle');
  await page.waitForSelector('#hits .more-passages .passage');
  // ¶5 and ¶7 in article order; ¶7 has no "marked" and falls back to its plain text.
  assert.deepEqual(await page.$$eval('#hits .more-passages .passage', (ps) => ps.map((p) =>
    [p.querySelector('.para-no').textContent, p.querySelector('.passage-text').textContent, p.querySelectorAll('mark').length])),
  [['¶5', 'para 5 <u>ship</u>', 1], ['¶7', 'para 7 <u>ship</u>', 0]]);
  assert.equal(await page.$$eval('#hits b, #hits i, #hits u', (els) => els.length), 0);
  assert.match(await page.textContent('#status'), /1–1 of 1 matching article \(/);

  // The total line follows the answer's "within".
  search.within = 'paragraph';
  search.total = { estimate: 7, lower_bound: 7, upper_bound: 7 };
  delete search.hits[0].paragraphs;
  delete search.hits[0].passages;
  search.hits[0].snippet = 'third <mark>ship</mark>';
  await page.goto(base + '?q=ship&within=paragraph');
  await hitCount(page, 1);
  assert.match(asked[asked.length - 1], /[?&]within=paragraph(&|$)/);
  assert.match(await page.textContent('#status'), /1–1 of 7 matching paragraphs/);
  assert.deepEqual((await hitList(page))[0], {
    article: 'z9', where: 'z9 ¶3', passages: [{ number: '¶3', text: 'third ship', marks: ['ship'] }], more: null,
  });
  await page.close();
});

test('the Stories/Paragraphs switch, by keyboard and mouse, in the URL; old collapse links', async () => {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + '?q=talks');
  await hitCount(page, 4);
  // The two choices are one labelled radio group.
  assert.equal(await page.textContent('#unit legend'), 'Show');
  assert.equal(await page.getByLabel('Stories').getAttribute('id'), 'within-article');
  assert.equal(await page.getByLabel('Paragraphs').getAttribute('id'), 'within-paragraph');

  // Arrow key to "Paragraphs": one hit per matching paragraph, e2 twice.
  await page.focus('#within-article');
  await page.keyboard.press('ArrowRight');
  await hitCount(page, 5);
  assert.equal(await page.isChecked('#within-paragraph'), true);
  assert.ok(page.url().includes('within=paragraph'), page.url());
  assert.match(await page.textContent('#status'), /1–5 of 5 matching paragraphs/);
  const hits = await hitList(page);
  assert.deepEqual(hits.map((h) => h.where).sort(), ['a1 ¶1', 'e1 ¶1', 'e2 ¶1', 'e2 ¶2', 'e3 ¶1']);
  for (const h of hits) {
    assert.equal(h.passages.length, 1);
    assert.equal(h.where, h.article + ' ' + h.passages[0].number);
    assert.ok(h.passages[0].marks.includes('talks'));
    assert.equal(h.more, null);
  }
  // Facets count paragraphs now: Putin in e1¶1, e2¶1 and e2¶2.
  assert.deepEqual(await facetCounts(page, 'person'), { 'Vladimir Putin': 3, 'Joe Biden': 2 });

  // A reload keeps the choice; a click on "Stories" goes back.
  await page.reload();
  await hitCount(page, 5);
  assert.equal(await page.isChecked('#within-paragraph'), true);
  await page.click('text=Stories');
  await hitCount(page, 4);
  assert.equal(await page.isChecked('#within-article'), true);
  assert.ok(!page.url().includes('within='), page.url());
  assert.match(await page.textContent('#status'), /matching articles/);

  // Back returns to paragraphs.
  await page.goBack();
  await hitCount(page, 5);
  assert.equal(await page.isChecked('#within-paragraph'), true);

  // A link from before the switch (collapse=article, one hit per article) gives stories.
  await page.goto(base + '?q=talks&collapse=article');
  await hitCount(page, 4);
  assert.equal(await page.isChecked('#within-article'), true);
  assert.match(await page.textContent('#status'), /1–4 of 4 matching articles/);
  assert.ok(!page.url().includes('collapse='), page.url());
  assert.deepEqual(errors, []);
  await page.close();
});

test('the article view marks the query words and scrolls to the best paragraph', async () => {
  const page = await context.newPage();
  // Short and narrow, so that ¶2 is below the fold until the page scrolls to it.
  await page.setViewportSize({ width: 390, height: 320 });
  await page.goto(base + '?q=talks&article=e2&paragraph=2');
  await page.waitForSelector('#article-view:not([hidden]) #article-body p');
  const paragraphs = await articleParagraphs(page);
  assert.deepEqual(paragraphs.map((p) => [p.id, p.marks, p.match, p.current]),
    [['p1', ['talks'], true, false], ['p2', ['talks'], true, true]]);
  assert.equal(paragraphs[1].text, 'Officials from the United Nations joined the talks with Vladimir Putin’s advisers.');
  const inView = await page.$eval('#p2', (el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
  assert.ok(inView, '¶2 is not scrolled into view');
  assert.ok(await page.evaluate(() => window.scrollY) > 0);

  // Words of the query in other paragraphs are marked too; paragraphs without them are not.
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto(base + '?q=putin+thursday&article=e1&paragraph=1');
  await page.waitForSelector('#article-view:not([hidden]) #article-body p');
  assert.deepEqual((await articleParagraphs(page)).map((p) => [p.id, p.marks, p.match]),
    [['p1', ['putin'], true], ['p2', ['putin'], true], ['p3', ['thursday'], true]]);
  await page.goto(base + '?q=geneva&article=e1&paragraph=1');
  await page.waitForSelector('#article-view:not([hidden]) #article-body p');
  assert.deepEqual((await articleParagraphs(page)).map((p) => [p.id, p.marks, p.match]),
    [['p1', ['geneva'], true], ['p2', [], false], ['p3', [], false]]);

  // Without a query nothing is marked.
  await page.goto(base + '?article=e2');
  await page.waitForSelector('#article-view:not([hidden]) #article-body p');
  assert.deepEqual((await articleParagraphs(page)).map((p) => [p.marks, p.match, p.current]),
    [[[], false, false], [[], false, false]]);
  await page.close();
});

test('markup stored in an article is shown as text, never run', async () => {
  const page = await context.newPage();
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs++; await d.dismiss(); });
  await page.goto(base + '?q=onerror');
  await page.waitForSelector('#hits .hit');
  assert.equal(await page.$$eval('#hits img, #hits script', (els) => els.length), 0);
  const snippet = await page.textContent('#hits .passage-text');
  assert.ok(snippet.includes('<img src=x onerror=alert(1)>'), snippet);
  await page.click('#hits .hit:first-child .hit-title');
  await page.waitForSelector('#article-view:not([hidden]) #article-body p');
  assert.equal(await page.$$eval('#article-body img, #article-body script', (els) => els.length), 0);
  assert.match(await page.textContent('#article-body'), /<script>alert\(1\)<\/script>/);
  assert.deepEqual(await page.$$eval('#article-body mark', (ms) => ms.map((m) => m.textContent)), ['onerror']);
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
  await hitCount(page, 4);
  await page.click('#hits .hit[data-article="e2"] .more-toggle');
  await page.waitForSelector('#hits .more-passages .passage');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, 'horizontal overflow of ' + overflow + ' px at 390 px');
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'search-phone.png'), fullPage: true });
  await page.close();
});
