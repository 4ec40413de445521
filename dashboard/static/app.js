// The dashboard's only script (served as a file: the CSP allows no inline script). The pages work without it; it
// adds drill-down and sorting to the Channels tree and live backfill progress. It reads only what the server
// rendered or returned as JSON, and writes text with textContent, never as markup.

function setupTree(table) {
  const tbody = table.tBodies[0];
  const rows = [...tbody.rows];
  const kids = new Map();
  const roots = [];
  for (const row of rows) {
    const parent = row.dataset.parent;
    if (!parent) roots.push(row);
    else {
      if (!kids.has(parent)) kids.set(parent, []);
      kids.get(parent).push(row);
    }
  }
  const toggleOf = (row) => row.querySelector('button.toggle');
  const isOpen = (row) => toggleOf(row)?.getAttribute('aria-expanded') === 'true';

  function show(row, visible) {
    row.hidden = !visible;
    const open = visible && isOpen(row);
    for (const child of kids.get(row.dataset.key) ?? []) show(child, open);
  }
  function mark(row, open) {
    const button = toggleOf(row);
    if (!button) return;
    button.setAttribute('aria-expanded', String(open));
    const label = button.getAttribute('aria-label') ?? '';
    button.setAttribute('aria-label', label.replace(/^(Expand|Collapse)/, open ? 'Collapse' : 'Expand'));
  }
  function setOpen(row, open) {
    mark(row, open);
    for (const child of kids.get(row.dataset.key) ?? []) show(child, open && !row.hidden);
  }

  tbody.addEventListener('click', (e) => {
    const button = e.target.closest('button.toggle');
    if (!button) return;
    const row = button.closest('tr');
    setOpen(row, !isOpen(row));
  });
  // "Collapse all" goes back to the campaigns: the channel row stays open.
  const openAll = (open) => {
    for (const row of rows) mark(row, open || !row.dataset.parent);
    for (const row of roots) show(row, true);
  };
  document.querySelector('[data-expand-all]')?.addEventListener('click', () => openAll(true));
  document.querySelector('[data-collapse-all]')?.addEventListener('click', () => openAll(false));

  // Sorting keeps the tree: siblings are sorted under their parent, then the rows are laid out depth-first again.
  const headers = [...table.tHead.rows[0].cells];
  function cellValue(row, column) {
    if (column === 'name') return row.cells[0].textContent.trim().toLowerCase();
    const cell = row.cells[column];
    const v = cell?.dataset.v;
    return v === undefined || v === '' ? null : Number.parseFloat(v);
  }
  function sortBy(index, key, direction) {
    const sign = direction === 'ascending' ? 1 : -1;
    const column = key === 'name' ? 'name' : index;
    const compare = (a, b) => {
      const x = cellValue(a, column);
      const y = cellValue(b, column);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1; // empty values stay last
      return (x < y ? -1 : x > y ? 1 : 0) * sign;
    };
    const ordered = [];
    const walk = (list) => {
      for (const row of [...list].sort(compare)) {
        ordered.push(row);
        walk(kids.get(row.dataset.key) ?? []);
      }
    };
    walk(roots);
    for (const row of ordered) tbody.appendChild(row);
    for (const [i, th] of headers.entries()) th.setAttribute('aria-sort', i === index ? direction : 'none');
  }
  headers.forEach((th, index) => {
    const button = th.querySelector('button.sort');
    button?.addEventListener('click', () => {
      const key = button.dataset.sort;
      const current = th.getAttribute('aria-sort');
      const first = key === 'name' ? 'ascending' : 'descending';
      const next = current === first ? (first === 'ascending' ? 'descending' : 'ascending') : first;
      sortBy(index, key, next);
    });
  });
}

function setupBackfills(box) {
  const list = box.querySelector('ul');
  let empty = box.querySelector('[data-bf-empty]');
  let seen = list.children.length > 0;
  const fmt = new Intl.NumberFormat('en-US');

  function render(data) {
    list.replaceChildren();
    for (const b of data.backfills) {
      const p = b.progress ?? { chunksDone: 0, chunksTotal: 0, rowsLoaded: 0, currentChunk: null };
      const li = document.createElement('li');
      li.className = 'bf';
      li.dataset.workflowId = b.workflowId;
      const head = document.createElement('div');
      head.className = 'bf-head';
      const range = document.createElement('span');
      range.className = 'mono small';
      range.textContent = `${b.from} → ${b.to}`;
      const text = document.createElement('span');
      text.className = 'small';
      text.dataset.bfText = '';
      const now = p.currentChunk ? ` · now ${p.currentChunk.start} → ${p.currentChunk.end}` : '';
      text.textContent = `${p.chunksDone}/${p.chunksTotal} chunks · ${fmt.format(p.rowsLoaded)} rows${now}`;
      head.append(range, text);
      const bar = document.createElement('progress');
      bar.max = p.chunksTotal || 1;
      bar.value = p.chunksDone;
      bar.setAttribute('aria-label', `Backfill ${b.from} to ${b.to}`);
      li.append(head, bar);
      list.append(li);
    }
    if (!empty) {
      empty = document.createElement('p');
      empty.className = 'muted';
      empty.dataset.bfEmpty = '';
      box.append(empty);
    }
    empty.hidden = data.backfills.length > 0;
    if (!data.reachable) empty.textContent = 'Progress unknown: Temporal is not reachable.';
    else if (data.backfills.length === 0) {
      empty.replaceChildren();
      if (seen) {
        empty.append('Backfill finished. ');
        const a = document.createElement('a');
        a.href = window.location.href.split('#')[0];
        a.textContent = 'Reload to see the new numbers';
        empty.append(a, '.');
      } else empty.append('No backfill running.');
    }
    if (data.backfills.length > 0) seen = true;
  }

  async function poll() {
    try {
      const res = await fetch(box.dataset.backfills, { headers: { accept: 'application/json' } });
      if (res.ok) render(await res.json());
    } catch {
      // The next tick tries again; a dashboard restart must not leave an error in the console.
    }
    setTimeout(poll, list.children.length > 0 ? 2000 : 10000);
  }
  setTimeout(poll, seen ? 1000 : 2000);
}

const tree = document.querySelector('table[data-tree]');
if (tree) setupTree(tree);
const backfills = document.querySelector('[data-backfills]');
if (backfills) setupBackfills(backfills);
