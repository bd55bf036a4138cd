/**
 * The coverage page's inline stylesheet and script (format-html.ts puts them in the page and
 * allows exactly these two by hash in its Content-Security-Policy).
 *
 * The script builds every table from the embedded report JSON with DOM APIs (text nodes, never
 * innerHTML), so file names and templates stay text whatever they contain. It is plain browser
 * JavaScript in String.raw, so regexes keep their backslashes; it must not contain backticks or
 * `${`.
 */

export const COVERAGE_PAGE_STYLE = String.raw`
:root {
  color-scheme: light dark;
  --bg: #ffffff;
  --fg: #1f2328;
  --muted: #59636e;
  --border: #d1d9e0;
  --surface: #f6f8fa;
  --zebra: #f6f8fa;
  --accent: #0969da;
  --stale: #cf222e;
  --stale-bg: #ffebe9;
  --ok: #1a7f37;
  --ok-bg: #dafbe1;
  --chip-bg: #eff2f5;
  --focus: #0969da;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117;
    --fg: #e6edf3;
    --muted: #9198a1;
    --border: #3d444d;
    --surface: #151b23;
    --zebra: #151b23;
    --accent: #4493f8;
    --stale: #ff7b72;
    --stale-bg: rgba(248, 81, 73, 0.16);
    --ok: #3fb950;
    --ok-bg: rgba(46, 160, 67, 0.16);
    --chip-bg: #262c36;
    --focus: #4493f8;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body {
  margin: 0 auto;
  max-width: 1280px;
  padding: 24px 24px 48px;
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
h1 { font-size: 24px; font-weight: 600; margin: 0 0 4px; }
h2 { font-size: 18px; font-weight: 600; margin: 0; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, .mono { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 1px; }
.lede, .muted, .count, footer { color: var(--muted); }
.lede { margin: 0 0 20px; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin: 0 0 12px; }
.stat { border: 1px solid var(--border); border-radius: 8px; padding: 12px 16px; background: var(--surface); }
.stat dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.stat dd { margin: 2px 0 0; font-size: 26px; font-weight: 600; font-variant-numeric: tabular-nums; }
.meter { height: 8px; border-radius: 4px; background: var(--stale-bg); overflow: hidden; margin-bottom: 24px; }
.meter-fill { height: 100%; width: 0; background: var(--ok); }
.controls {
  display: flex; flex-wrap: wrap; align-items: center; gap: 12px 24px;
  padding: 12px 0; margin-bottom: 8px; border-bottom: 1px solid var(--border);
}
.controls input[type="search"] {
  width: min(420px, 100%); padding: 6px 10px; font: inherit; color: var(--fg); background: var(--bg);
  border: 1px solid var(--border); border-radius: 6px;
}
.controls label { display: inline-flex; align-items: center; gap: 8px; }
section { margin-top: 28px; }
.section-heading { display: flex; align-items: baseline; gap: 12px; margin-bottom: 8px; }
.count { margin: 0; font-size: 13px; }
.table-wrap { max-height: 75vh; overflow: auto; border: 1px solid var(--border); border-radius: 8px; }
.table-wrap.fit { width: fit-content; max-width: 100%; }
table { width: 100%; border-collapse: separate; border-spacing: 0; }
th, td { padding: 6px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--border); }
tbody tr:last-child > * { border-bottom: 0; }
thead th {
  position: sticky; top: 0; z-index: 2; background: var(--surface);
  font-weight: 600; white-space: nowrap; padding: 0;
}
thead th button {
  display: flex; align-items: center; gap: 6px; width: 100%; padding: 8px 10px;
  font: inherit; color: inherit; text-align: left; background: none; border: 0; cursor: pointer;
}
thead th button::after { content: "\2195"; color: var(--muted); opacity: 0.6; font-size: 11px; }
thead th[aria-sort="ascending"] button::after { content: "\25B2"; opacity: 1; color: var(--accent); }
thead th[aria-sort="descending"] button::after { content: "\25BC"; opacity: 1; color: var(--accent); }
thead th.numeric button { justify-content: flex-end; }
tbody tr.zebra > * { background: var(--zebra); }
td.numeric { text-align: right; font-variant-numeric: tabular-nums; }
.status { white-space: nowrap; font-weight: 600; }
.status.is-stale { color: var(--stale); }
.status.is-covered { color: var(--ok); }
.chip {
  display: inline-block; margin: 1px 0; padding: 0 6px; border-radius: 4px;
  background: var(--chip-bg); overflow-wrap: anywhere;
}
.chip.stale { background: var(--stale-bg); color: var(--stale); }
.chip.invalidated { background: var(--ok-bg); color: var(--ok); }
.badge {
  display: inline-block; margin-left: 4px; padding: 0 6px; border: 1px solid var(--border);
  border-radius: 10px; color: var(--muted); font-size: 11px;
}
.via { display: block; color: var(--muted); font-size: 12px; }
.empty { padding: 12px; color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 16px; padding: 0; margin: 0 0 8px; list-style: none; color: var(--muted); }
.legend li { display: inline-flex; align-items: center; gap: 6px; }
.swatch {
  display: inline-flex; align-items: center; justify-content: center; width: 20px; height: 20px;
  border: 1px solid var(--border); border-radius: 4px; font-weight: 700;
}
#matrix { width: auto; }
#matrix thead th { padding: 6px 4px; vertical-align: bottom; text-align: center; font-weight: 500; }
#matrix thead th.corner { text-align: left; padding: 6px 10px; left: 0; z-index: 3; }
#matrix .family-label {
  writing-mode: vertical-rl; transform: rotate(180deg); max-height: 220px;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
}
#matrix tbody th {
  position: sticky; left: 0; z-index: 1; background: var(--bg); font-weight: 400;
  white-space: nowrap; border-right: 1px solid var(--border);
}
#matrix tbody tr.zebra th { background: var(--zebra); }
#matrix td.cell, .swatch { text-align: center; min-width: 30px; font-weight: 700; }
.cell.stale, .swatch.stale { color: var(--stale); background: var(--stale-bg); }
.cell.invalidated, .swatch.invalidated { color: var(--ok); background: var(--ok-bg); }
footer { margin-top: 32px; font-size: 12px; }
@media print {
  .controls { display: none; }
  .table-wrap { max-height: none; overflow: visible; }
}
`;

export const COVERAGE_PAGE_SCRIPT = String.raw`
(() => {
  'use strict';
  const report = JSON.parse(document.getElementById('coverage-data').textContent);
  const linkBase = document.body.dataset.linkBase || '';
  const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  // TTL sort order: fixed expiries by length, then dynamic ones, then keys that never expire.
  const DYNAMIC_TTL_ORDER = Number.MAX_SAFE_INTEGER - 1;
  const NO_TTL_ORDER = Number.MAX_SAFE_INTEGER;
  /** Lower-cased text of each row's cells, one line per cell, for the filter. */
  const searchText = new WeakMap();

  /** createElement with attributes; string children become text nodes, never markup. */
  function h(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function functionName(ref) {
    return ref.function === null ? '(anonymous)' : ref.function;
  }

  function location(ref) {
    return ref.file + ':' + ref.line;
  }

  /** Each path segment percent-encoded, so a name with ':' or '#' stays a relative path. */
  function sourceHref(ref) {
    const path = ref.file.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
    return linkBase + path + '#L' + ref.line;
  }

  function sourceLink(ref) {
    return h('a', { href: sourceHref(ref), class: 'mono' }, location(ref));
  }

  function duration(seconds) {
    const trim = (n, digits) => String(Number(n.toFixed(digits)));
    if (seconds < 60) return trim(seconds, seconds < 10 ? 1 : 0) + 's';
    if (seconds < 3600) return trim(seconds / 60, 1) + 'm';
    if (seconds < 86400) return trim(seconds / 3600, 1) + 'h';
    return trim(seconds / 86400, 1) + 'd';
  }

  function ttlCell(ttl) {
    if (ttl === null) return h('td', { 'data-sort-value': NO_TTL_ORDER, title: 'No expiry where it is populated' }, 'none');
    if (ttl.dynamic) return h('td', { 'data-sort-value': DYNAMIC_TTL_ORDER, title: 'Expiry computed at run time' }, 'dynamic');
    return h('td', { 'data-sort-value': ttl.seconds, title: ttl.seconds + ' seconds' }, duration(ttl.seconds));
  }

  function chips(families, kind) {
    if (families.length === 0) return h('span', { class: 'muted' }, '–');
    return families.map((family, i) => [i > 0 ? ' ' : '', h('code', { class: 'chip ' + kind }, family)]);
  }

  function familyMatches(family, names) {
    return names.includes(family.template) || (family.name !== null && names.includes(family.name));
  }

  function setText(id, text) {
    document.getElementById(id).textContent = text;
  }

  function renderSummary() {
    const totals = report.totals;
    setText('total-write-paths', String(totals.writePaths));
    setText('total-covered', String(totals.fullyCovered));
    setText('total-percent', totals.percent + '%');
    setText('total-families', String(totals.families));
    const meter = document.getElementById('coverage-meter');
    meter.setAttribute('aria-label', totals.percent + '% of write paths fully covered');
    meter.firstElementChild.style.width = Math.max(0, Math.min(100, totals.percent)) + '%';
  }

  function writePathRow(path) {
    const stale = path.stale.length > 0;
    const status = stale
      ? h('td', { class: 'status is-stale', 'data-sort-value': path.stale.length }, '✗ ' + path.stale.length + ' stale')
      : h('td', { class: 'status is-covered', 'data-sort-value': 0 }, '✓ covered');
    const via = path.via ? h('span', { class: 'via' }, 'via ' + functionName(path.via) + ' ', sourceLink(path.via)) : null;
    return h(
      'tr',
      { 'data-stale': String(stale) },
      status,
      h('td', {}, h('code', {}, functionName(path.at))),
      h('td', {}, sourceLink(path.at)),
      h('td', {}, path.entity, path.inferred ? [' ', h('span', { class: 'badge', title: 'Linked to its families by name, not by the registry' }, 'inferred')] : null),
      h('td', {}, path.orm + ' ' + path.operation, via ? [' ', via] : null),
      h('td', {}, chips(path.stale, 'stale')),
      h('td', {}, chips(path.invalidates, 'invalidated')),
    );
  }

  function familyRow(family) {
    const entities = family.entities.length === 0
      ? h('span', { class: 'muted' }, '–')
      : family.entities.map((link, i) => [
          i > 0 ? ', ' : '',
          link.entity,
          link.inferred ? [' ', h('span', { class: 'badge', title: 'Matched by name, not pinned by the registry' }, 'inferred')] : null,
        ]);
    const count = (refs, what) => h('td', { class: 'numeric', title: refs.map((ref) => what + ' at ' + location(ref)).join('\n') || null }, String(refs.length));
    return h(
      'tr',
      {},
      h('td', {}, h('code', {}, family.template)),
      h('td', {}, family.name === null ? h('span', { class: 'muted' }, '–') : family.name),
      h('td', {}, entities),
      count(family.readers, 'read'),
      count(family.populators, 'populated'),
      count(family.invalidators, 'invalidated'),
      ttlCell(family.ttl),
    );
  }

  function fillTable(table, rows) {
    const body = table.tBodies[0];
    body.replaceChildren(...rows);
    for (const row of rows) {
      searchText.set(row, Array.from(row.cells, (cell) => cell.textContent).join('\n').toLowerCase());
    }
  }

  function renderMatrix() {
    const table = document.getElementById('matrix');
    const head = h('tr', {}, h('th', { scope: 'col', class: 'corner' }, 'Write path'));
    for (const family of report.families) {
      const label = family.name === null ? family.template : family.template + ' (' + family.name + ')';
      head.append(h('th', { scope: 'col', title: label }, h('span', { class: 'family-label mono' }, family.template)));
    }
    table.tHead.replaceChildren(head);
    const rows = report.writePaths.map((path) => {
      const name = functionName(path.at) + ' (' + location(path.at) + ')';
      const row = h('tr', {}, h('th', { scope: 'row', title: path.entity + ', ' + path.orm + ' ' + path.operation }, h('code', {}, functionName(path.at)), ' ', h('span', { class: 'muted mono' }, location(path.at))));
      for (const family of report.families) {
        if (familyMatches(family, path.invalidates)) {
          row.append(h('td', { class: 'cell invalidated', title: name + ' invalidates ' + family.template }, '✓'));
        } else if (familyMatches(family, path.stale)) {
          row.append(h('td', { class: 'cell stale', title: name + ' leaves ' + family.template + ' stale' }, '✗'));
        } else {
          row.append(h('td', { class: 'cell', title: family.template + ' is not a family of ' + path.entity }));
        }
      }
      return row;
    });
    table.tBodies[0].replaceChildren(...rows);
    stripe(table);
    document.getElementById('matrix-empty').hidden = rows.length > 0 && report.families.length > 0;
  }

  /** Zebra stripes by class: nth-child would count the rows the filter hides. */
  function stripe(table) {
    let visible = 0;
    for (const row of table.tBodies[0].rows) {
      if (row.hidden) continue;
      row.classList.toggle('zebra', visible % 2 === 1);
      visible++;
    }
    return visible;
  }

  function sortKey(cell) {
    return cell.dataset.sortValue !== undefined ? cell.dataset.sortValue : cell.textContent.trim();
  }

  function compareKeys(a, b) {
    const x = Number(a);
    const y = Number(b);
    if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
    return collator.compare(a, b);
  }

  function makeSortable(table) {
    const headers = Array.from(table.tHead.rows[0].cells);
    headers.forEach((header, column) => {
      header.querySelector('button').addEventListener('click', () => {
        const ascending = header.getAttribute('aria-sort') !== 'ascending';
        for (const other of headers) other.removeAttribute('aria-sort');
        header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        const direction = ascending ? 1 : -1;
        rows.sort((a, b) => direction * compareKeys(sortKey(a.cells[column]), sortKey(b.cells[column])));
        body.append(...rows);
        stripe(table);
      });
    });
  }

  function applyFilters() {
    const query = document.getElementById('filter').value.trim().toLowerCase();
    const onlyStale = document.getElementById('only-stale').checked;
    const matches = (row) => query === '' || searchText.get(row).includes(query);
    filterTable('write-paths', 'write paths', (row) => matches(row) && (!onlyStale || row.dataset.stale === 'true'));
    filterTable('families', 'families', matches);
  }

  function filterTable(id, noun, keep) {
    const table = document.getElementById(id);
    const rows = table.tBodies[0].rows;
    for (const row of rows) row.hidden = !keep(row);
    const visible = stripe(table);
    setText(id + '-count', visible === rows.length ? rows.length + ' ' + noun : visible + ' of ' + rows.length + ' ' + noun + ' shown');
    document.getElementById(id + '-empty').hidden = visible > 0;
  }

  renderSummary();
  const writePaths = document.getElementById('write-paths');
  const families = document.getElementById('families');
  fillTable(writePaths, report.writePaths.map(writePathRow));
  fillTable(families, report.families.map(familyRow));
  makeSortable(writePaths);
  makeSortable(families);
  renderMatrix();
  document.getElementById('filter').addEventListener('input', applyFilters);
  document.getElementById('only-stale').addEventListener('change', applyFilters);
  applyFilters();
})();
`;
