// Herald's search page: talks only to the JSON API of the same server.
// Hits are stories (within=article: one per article, with its matching passages) or single
// paragraphs (within=paragraph). Snippets and an article's "marked" paragraphs are HTML that
// the server escaped (matches in <mark>); every other field is inserted as text.
'use strict';

const PAGE_SIZE = 10;
// Facets shown in the sidebar: [API facet name, heading, filter parameter or null].
// Corpus tags (Reuters) are counted but the API has no filter for them yet.
const FACETS = [
  ['person', 'People', 'person'],
  ['place', 'Places', 'place'],
  ['org', 'Organizations', 'org'],
  ['tag.topics', 'Topics (tags)', null],
  ['tag.places', 'Places (tags)', null],
];

const $ = (id) => document.getElementById(id);

// The page's state lives in the URL, so reload, back and links work.
function readState() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get('q') || '',
    sort: p.get('sort') === 'date' ? 'date' : 'relevance',
    // Stories unless asked for paragraphs. Old links with collapse=article meant one hit per
    // article, which is what stories are, so they need no special case.
    within: p.get('within') === 'paragraph' ? 'paragraph' : 'article',
    from: p.get('from') || '',
    to: p.get('to') || '',
    page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1),
    filters: {
      person: p.getAll('person'),
      place: p.getAll('place'),
      org: p.getAll('org'),
    },
    article: p.get('article') || '',
    paragraph: p.get('paragraph') || '',
  };
}

function stateToParams(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.sort !== 'relevance') p.set('sort', s.sort);
  if (s.within === 'paragraph') p.set('within', 'paragraph');
  if (s.from) p.set('from', s.from);
  if (s.to) p.set('to', s.to);
  for (const name of ['person', 'place', 'org']) {
    for (const v of s.filters[name]) p.append(name, v);
  }
  if (s.page > 1) p.set('page', String(s.page));
  if (s.article) {
    p.set('article', s.article);
    if (s.paragraph) p.set('paragraph', s.paragraph);
  }
  return p;
}

function go(state, replace) {
  const qs = stateToParams(state).toString();
  const url = qs ? '?' + qs : location.pathname;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

async function api(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' } });
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    throw new Error('the server answered ' + res.status + ' without JSON');
  }
  if (!res.ok) {
    const msg = body && body.error ? body.error.message : 'HTTP ' + res.status;
    throw new Error(msg);
  }
  return body;
}

function text(el, value) {
  el.textContent = value == null ? '' : String(value);
  return el;
}

function formatDate(iso) {
  if (!iso) return 'no date';
  return iso.slice(0, 10);
}

function formatTotal(total) {
  if (total.lower_bound === total.upper_bound) return String(total.estimate);
  return 'about ' + total.estimate;
}

let generation = 0;  // drops answers to searches that were superseded

async function render() {
  const s = readState();
  $('q').value = s.q;
  $('sort').value = s.sort;
  $('within-article').checked = s.within === 'article';
  $('within-paragraph').checked = s.within === 'paragraph';
  $('from').value = s.from;
  $('to').value = s.to;
  if (s.article) {
    await showArticle(s.article, s.paragraph, s.q);
  } else {
    $('article-view').hidden = true;
    $('results-view').hidden = false;
    await search(s);
  }
}

async function search(s) {
  const mine = ++generation;
  const status = $('status');
  const hits = $('hits');
  if (!s.q && !s.from && !s.to && !Object.values(s.filters).some((v) => v.length)) {
    text(status, 'Type a query to search the news.');
    status.classList.remove('error');
    hits.replaceChildren();
    $('pager').replaceChildren();
    $('facet-groups').replaceChildren();
    return;
  }
  const p = stateToParams({ ...s, page: 1, article: '' });
  p.delete('page');
  p.set('offset', String((s.page - 1) * PAGE_SIZE));
  p.set('limit', String(PAGE_SIZE));
  p.set('within', s.within);
  p.set('facets', FACETS.map((f) => f[0]).join(','));
  text(status, 'Searching…');
  status.classList.remove('error');
  document.body.classList.add('busy');
  let result;
  try {
    result = await api('/api/search?' + p.toString());
  } catch (e) {
    if (mine !== generation) return;
    document.body.classList.remove('busy');
    text(status, e.message);
    status.classList.add('error');
    hits.replaceChildren();
    $('pager').replaceChildren();
    return;
  }
  if (mine !== generation) return;
  document.body.classList.remove('busy');
  // What the totals count is what the server says it searched.
  const within = result.within === 'paragraph' || result.within === 'article' ? result.within : s.within;
  const exactlyOne = result.total.estimate === 1 && result.total.lower_bound === result.total.upper_bound;
  const unit = (within === 'paragraph' ? 'paragraph' : 'article') + (exactlyOne ? '' : 's');
  if (result.total.upper_bound === 0) {
    text(status, 'No matching ' + unit + '.');
  } else {
    const first = (s.page - 1) * PAGE_SIZE + 1;
    const last = first + result.hits.length - 1;
    text(status, (result.hits.length ? first + '–' + last + ' of ' : 'No hits on this page of ') +
      formatTotal(result.total) + ' matching ' + unit + ' (' + Math.round(result.took_ms * 10) / 10 + ' ms)');
  }
  renderHits(result.hits, within, s);
  renderFacets(result.facets || {}, s);
  renderPager(result.total, s);
}

// Makes `a` a real link to `state` (so it can be opened in a new tab or copied) that, on a
// plain click, moves this page there instead of reloading it.
function linkTo(a, state) {
  a.href = '?' + stateToParams(state);
  a.addEventListener('click', (ev) => {
    if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    go(state);
    window.scrollTo(0, 0);
  });
  return a;
}

function articleState(s, id, paragraph) {
  return { ...s, article: id, paragraph: paragraph ? String(paragraph) : '' };
}

function articlePath(id, q) {
  return '/api/articles/' + encodeURIComponent(id) + (q ? '?' + new URLSearchParams({ q }) : '');
}

// One line of a hit: "¶N" (a link to that paragraph in the article view), then the passage.
// `html` is server-escaped HTML with <mark> tags; with `plain` set it is inserted as text.
function passageLine(s, articleId, n, html, plain) {
  const line = document.createElement('p');
  line.className = 'snippet passage';
  line.dataset.paragraph = String(n);
  const num = text(document.createElement('a'), '¶' + n);
  num.className = 'para-no';
  num.setAttribute('aria-label', 'paragraph ' + n);
  linkTo(num, articleState(s, articleId, n));
  const body = document.createElement('span');
  body.className = 'passage-text';
  if (plain) text(body, html);
  else body.innerHTML = html;
  line.append(num, ' ', body);
  return line;
}

function renderHits(list, within, s) {
  const tpl = $('hit-template');
  const items = list.map((hit, index) => {
    const li = tpl.content.firstElementChild.cloneNode(true);
    li.dataset.article = hit.article_id;
    const a = li.querySelector('.hit-title');
    text(a, hit.title || '(untitled)');
    linkTo(a, articleState(s, hit.article_id, hit.paragraph));
    text(li.querySelector('.hit-date'), formatDate(hit.published));
    text(li.querySelector('.hit-source'), hit.source || '');
    text(li.querySelector('.hit-where'), within === 'paragraph' ? hit.article_id + ' ¶' + hit.paragraph : hit.article_id);
    // A story brings its passages; a paragraph hit is one passage, its snippet.
    const passages = Array.isArray(hit.passages) && hit.passages.length
      ? hit.passages : [{ paragraph: hit.paragraph, snippet: hit.snippet }];
    const box = li.querySelector('.passages');
    for (const p of passages) box.appendChild(passageLine(s, hit.article_id, p.paragraph, p.snippet || '', false));
    const shown = new Set(passages.map((p) => p.paragraph));
    const others = (Array.isArray(hit.paragraphs) ? hit.paragraphs : []).filter((n) => !shown.has(n));
    if (others.length) li.appendChild(moreParagraphs(s, hit.article_id, others, 'more-' + s.page + '-' + index));
    return li;
  });
  $('hits').replaceChildren(...items);
  if (items.length) $('hits').start = (s.page - 1) * PAGE_SIZE + 1;
}

// "N more matching paragraphs": a disclosure button. The first time it opens it fetches the
// article with the query marked, and lists those paragraphs, in article order, under it.
function moreParagraphs(s, articleId, numbers, listId) {
  const box = document.createElement('div');
  box.className = 'more';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'more-toggle';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', listId);
  text(button, numbers.length + ' more matching paragraph' + (numbers.length === 1 ? '' : 's'));
  const list = document.createElement('div');
  list.className = 'more-passages';
  list.id = listId;
  list.hidden = true;
  box.append(button, list);

  let state = 'empty';  // empty, loading, loaded
  const load = async () => {
    state = 'loading';
    list.setAttribute('aria-busy', 'true');
    const wait = text(document.createElement('p'), 'Loading…');
    wait.className = 'more-status';
    list.replaceChildren(wait);
    try {
      const article = await api(articlePath(articleId, s.q));
      const byNumber = new Map((article.paragraphs || []).map((p) => [p.paragraph, p]));
      const lines = numbers.slice().sort((x, y) => x - y).filter((n) => byNumber.has(n)).map((n) => {
        const p = byNumber.get(n);
        return typeof p.marked === 'string'
          ? passageLine(s, articleId, n, p.marked, false)
          : passageLine(s, articleId, n, p.text, true);
      });
      list.replaceChildren(...lines);
      state = 'loaded';
    } catch (e) {
      const msg = text(document.createElement('p'), 'Could not load the paragraphs: ' + e.message);
      msg.className = 'more-status error';
      list.replaceChildren(msg);
      state = 'empty';  // opening it again tries again
    }
    list.removeAttribute('aria-busy');
  };
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    list.hidden = !open;
    if (open && state === 'empty') load();
  });
  return box;
}

function renderFacets(facets, s) {
  const groups = [];
  for (const [name, heading, param] of FACETS) {
    const values = (facets[name] || []).slice();
    const chosen = param ? s.filters[param] : [];
    // Keep ticked values visible even when they fall out of the top counts.
    for (const v of chosen) {
      if (!values.some((x) => x.value.toLowerCase() === v.toLowerCase())) values.push({ value: v, count: 0 });
    }
    if (!values.length) continue;
    const box = document.createElement('fieldset');
    box.className = 'facet';
    box.dataset.facet = name;
    box.appendChild(text(document.createElement('legend'), heading));
    for (const v of values) {
      const row = document.createElement('label');
      row.className = 'facet-value';
      if (param) {
        const input = document.createElement('input');
        input.type = 'checkbox';
        input.value = v.value;
        input.checked = chosen.some((c) => c.toLowerCase() === v.value.toLowerCase());
        input.addEventListener('change', () => {
          const next = readState();
          const list = next.filters[param].filter((c) => c.toLowerCase() !== v.value.toLowerCase());
          if (input.checked) list.push(v.value);
          next.filters[param] = list;
          next.page = 1;
          go(next);
        });
        row.appendChild(input);
      } else {
        row.classList.add('readonly');
      }
      row.appendChild(text(document.createElement('span'), v.value)).className = 'facet-name';
      row.appendChild(text(document.createElement('span'), v.count)).className = 'facet-count';
      box.appendChild(row);
    }
    groups.push(box);
  }
  $('facet-groups').replaceChildren(...groups);
}

function renderPager(total, s) {
  const pager = $('pager');
  const pages = Math.min(Math.ceil(total.estimate / PAGE_SIZE), Math.floor(100000 / PAGE_SIZE));
  const parts = [];
  const add = (label, page, current) => {
    const b = text(document.createElement('button'), label);
    b.type = 'button';
    if (current) {
      b.setAttribute('aria-current', 'page');
      b.disabled = true;
    }
    b.addEventListener('click', () => {
      go({ ...s, page });
      window.scrollTo(0, 0);
    });
    parts.push(b);
  };
  if (pages > 1) {
    if (s.page > 1) add('‹ Previous', s.page - 1, false);
    const lo = Math.max(1, s.page - 3);
    const hi = Math.min(pages, lo + 6);
    for (let n = lo; n <= hi; n++) add(String(n), n, n === s.page);
    if (s.page < pages) add('Next ›', s.page + 1, false);
  }
  pager.replaceChildren(...parts);
}

async function showArticle(id, paragraph, q) {
  const mine = ++generation;
  $('results-view').hidden = true;
  const view = $('article-view');
  view.hidden = false;
  text($('article-title'), 'Loading…');
  text($('article-meta'), '');
  $('article-body').replaceChildren();
  $('article-entities').replaceChildren();
  let a;
  try {
    a = await api(articlePath(id, q));
  } catch (e) {
    if (mine === generation) text($('article-title'), e.message);
    return;
  }
  if (mine !== generation) return;
  text($('article-title'), a.title || '(untitled)');
  const meta = [formatDate(a.published), a.source, a.id].filter(Boolean).join(' · ');
  text($('article-meta'), meta);
  if (a.url && /^https?:\/\//i.test(a.url)) {
    const link = text(document.createElement('a'), 'original');
    link.href = a.url;
    link.rel = 'noopener noreferrer';
    $('article-meta').append(' · ', link);
  }
  const paras = (a.paragraphs || []).map((p) => {
    const el = document.createElement('p');
    // With a query the server adds "marked": the escaped text with the query words in <mark>.
    if (q && typeof p.marked === 'string') el.innerHTML = p.marked;
    else text(el, p.text);
    el.id = 'p' + p.paragraph;
    if (q && p.matches) el.classList.add('match');
    if (String(p.paragraph) === paragraph) el.classList.add('current');
    return el;
  });
  $('article-body').replaceChildren(...paras);
  const chips = (a.entities || []).map((e) => {
    const li = text(document.createElement('li'), e.name);
    li.className = 'chip ' + e.type;
    li.title = e.type;
    return li;
  });
  $('article-entities').replaceChildren(...chips);
  $('article-entities-box').hidden = chips.length === 0;
  const current = paragraph && document.getElementById('p' + paragraph);
  if (current) current.scrollIntoView({ block: 'center' });
  else window.scrollTo(0, 0);
}

function init() {
  $('search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const s = readState();
    s.q = $('q').value.trim();
    s.sort = $('sort').value;
    s.within = $('within-paragraph').checked ? 'paragraph' : 'article';
    s.from = $('from').value;
    s.to = $('to').value;
    s.page = 1;
    s.article = '';
    s.paragraph = '';
    go(s);
  });
  for (const id of ['sort', 'within-article', 'within-paragraph', 'from', 'to']) {
    $(id).addEventListener('change', () => $('search-form').requestSubmit());
  }
  $('back').addEventListener('click', () => {
    const s = readState();
    go({ ...s, article: '', paragraph: '' });
  });
  window.addEventListener('popstate', render);
  // Old links said collapse=article for one hit per article; stories are that now.
  if (new URLSearchParams(location.search).has('collapse')) {
    const qs = stateToParams(readState()).toString();
    history.replaceState(null, '', qs ? '?' + qs : location.pathname);
  }
  if (window.matchMedia('(max-width: 700px)').matches) $('facets-box').open = false;
  render();
}

init();
