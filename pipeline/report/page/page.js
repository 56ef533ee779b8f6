// report.html: the page's script, inlined by pipeline/report/report.ts. No network, no libraries:
// a 2-D canvas scatter (pixels written into one ImageData), a uniform grid for hover,
// DOM lists for clusters, search, facet legends and selections. Coordinates arrive framed and
// clamped (core/plot/map-frame.ts) and colours chosen (core/plot/cluster-palette.ts,
// facet-legend.ts) by the generator. `window.semclust` exposes state for the browser test.
'use strict';
(() => {
  const D = JSON.parse(document.getElementById('semclust-data').textContent);
  const decode = (b64, T) => {
    const bin = atob(b64);
    const u = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
    return new T(u.buffer);
  };
  const X = decode(D.x, Float32Array), Y = decode(D.y, Float32Array);
  const C = decode(D.cluster, Int32Array), P = decode(D.picked, Uint8Array), OUT = decode(D.outside, Uint8Array);
  const T = D.texts, IDS = D.ids;
  const F = D.facets.map((f) => ({ ...f, codes: decode(f.codes, Uint8Array), rgb: decode(f.rgb, Uint8Array) }));
  const n = X.length;
  const byId = new Map(D.clusters.map((c) => [c.id, c]));
  const $ = (id) => document.getElementById(id);
  const esc = (s) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]);

  // The same colours as plot.svg (pipeline/report/cluster-colours.ts); an id beyond them is grey.
  const rgb = decode(D.colours, Uint8Array);
  const colourOf = (c) => (c < 0 || c * 3 >= rgb.length ? 'rgb(200,200,200)' : `rgb(${rgb[c * 3]},${rgb[c * 3 + 1]},${rgb[c * 3 + 2]})`);
  const abgrOf = (r, k) => (0xff000000 | (r[k * 3 + 2] << 16) | (r[k * 3 + 1] << 8) | r[k * 3]) >>> 0;
  const describe = (c) => {
    if (c < 0) return 'noise';
    const d = byId.get(c);
    if (!d) return `cluster ${c}`;
    return `${d.label ? d.label + ' — ' : ''}${d.keywords.slice(0, 5).join(', ')}`;
  };

  // View: the frame (the data arrive clamped into it) fitted to the canvas, then pan and zoom.
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    if (X[i] < minX) minX = X[i]; if (X[i] > maxX) maxX = X[i];
    if (Y[i] < minY) minY = Y[i]; if (Y[i] > maxY) maxY = Y[i];
  }
  if (n === 0) { minX = minY = 0; maxX = maxY = 1; }
  const canvas = $('map');
  const ctx = canvas.getContext('2d');
  let W = 0, H = 0, dpr = 1;
  const view = { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, scale: 1 };
  const fitScale = () => 0.92 * Math.min(W / (maxX - minX || 1), H / (maxY - minY || 1));
  const fit = () => { view.scale = fitScale(); };
  const sx = (i) => (X[i] - view.cx) * view.scale + W / 2;
  const sy = (i) => H / 2 - (Y[i] - view.cy) * view.scale;

  // State the controls change.
  // colourBy: -1 = cluster, else a facet; hidden: legend entries of that facet filtered out.
  const state = { showNoise: true, onlySample: false, rings: D.rings, selected: null, matches: null, drawn: 0, drawMs: 0, colourBy: -1, hidden: new Set(), selection: [] };
  const visible = (i) => (state.showNoise || C[i] >= 0) && (!state.onlySample || P[i] === 1) && (state.colourBy < 0 || !state.hidden.has(F[state.colourBy].codes[i]));
  const isHighlighted = (i) => (state.matches ? state.matchSet[i] === 1 : state.selected === null || C[i] === state.selected);
  const dimming = () => state.matches !== null || state.selected !== null;

  function draw() {
    const t0 = performance.now();
    const img = ctx.createImageData(W * dpr, H * dpr);
    const buf = new Uint32Array(img.data.buffer);
    buf.fill(0xffffffff);
    const w = W * dpr, h = H * dpr, r = Math.max(1, Math.round(dpr * 1.2));
    const put = (i, colour, r) => {
      const px = Math.round(sx(i) * dpr), py = Math.round(sy(i) * dpr);
      if (px < 0 || py < 0 || px >= w || py >= h) return false;
      for (let yy = Math.max(0, py - r); yy <= Math.min(h - 1, py + r); yy++) {
        const row = yy * w;
        for (let xx = Math.max(0, px - r); xx <= Math.min(w - 1, px + r); xx++) buf[row + xx] = colour;
      }
      return true;
    };
    const facet = state.colourBy >= 0 ? F[state.colourBy] : null;
    const abgr = (i) => (facet ? abgrOf(facet.rgb, facet.codes[i]) : C[i] < 0 || C[i] * 3 >= rgb.length ? 0xffc8c8c8 : abgrOf(rgb, C[i]));
    const dim = dimming();
    let drawn = 0;
    // Passes: noise, then the rest (dimmed ones first when something is highlighted), then
    // outliers (outlined, at the frame's edge), so highlighted points are never hidden under
    // others. A highlighted noise point is dark grey: its light grey vanished on the dimmed
    // rgb(230,230,230) around it (issue 22).
    for (let pass = 0; pass < 3; pass++) {
      for (let i = 0; i < n; i++) {
        if (!visible(i)) continue;
        const noise = C[i] < 0;
        const hi = isHighlighted(i);
        const p = noise && !(dim && hi) ? 0 : dim && !hi ? 1 : 2;
        if (p !== pass) continue;
        const colour = dim && !hi ? 0xffe6e6e6 : dim && noise && !facet ? 0xff505050 : abgr(i);
        if (OUT[i]) {
          if (put(i, 0xff333333, r + 1)) { put(i, colour, Math.max(0, r - 1)); drawn++; }
        } else if (put(i, colour, r)) drawn++;
      }
    }
    ctx.putImageData(img, 0, 0);
    if (state.rings) {
      ctx.save();
      ctx.scale(dpr, dpr);
      ctx.strokeStyle = 'rgba(0,0,0,0.75)';
      ctx.lineWidth = 0.8;
      ctx.beginPath();
      for (let i = 0; i < n; i++) {
        if (!P[i] || !visible(i) || (dim && !isHighlighted(i))) continue;
        const x = sx(i), y = sy(i);
        ctx.moveTo(x + 3.2, y);
        ctx.arc(x, y, 3.2, 0, 2 * Math.PI);
      }
      ctx.stroke();
      ctx.restore();
    }
    drawWords();
    state.drawn = drawn;
    state.drawMs = performance.now() - t0;
    canvas.dataset.drawn = String(drawn);
  }

  // Map words: the label or top two keywords of each cluster (or only of the selected one)
  // at the median of its points, as in plot.svg. Largest first, and a word that would overlap
  // one already written is left out: on a mixed map the centres crowd the middle, while the
  // tight, distinctive clusters at the edges are often small (npm start's SOTU map: 55 of 80
  // fit at 1600 × 1000; the 15 largest alone named only the crowded middle).
  const centre = new Map();
  {
    const xs = new Map(), ys = new Map();
    for (let i = 0; i < n; i++) {
      if (C[i] < 0) continue;
      if (!xs.has(C[i])) { xs.set(C[i], []); ys.set(C[i], []); }
      xs.get(C[i]).push(X[i]); ys.get(C[i]).push(Y[i]);
    }
    const med = (a) => a.sort((p, q) => p - q)[a.length >> 1];
    for (const [c, a] of xs) centre.set(c, { x: med(a), y: med(ys.get(c)) });
  }
  let words = [];
  const mapWord = (d) => d.label || d.keywords.slice(0, 2).join(', ');
  function drawWords() {
    ctx.save();
    ctx.scale(dpr, dpr);
    ctx.font = 'bold 13px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'white';
    ctx.fillStyle = '#222';
    const wanted = state.selected !== null ? [byId.get(state.selected)] : state.matches ? [] : D.clusters;
    const boxes = [];
    words = [];
    for (const d of wanted) {
      const p = d && centre.get(d.id);
      if (!p || (!d.label && d.keywords.length === 0)) continue;
      const text = mapWord(d);
      const x = (p.x - view.cx) * view.scale + W / 2, y = H / 2 - (p.y - view.cy) * view.scale;
      const half = ctx.measureText(text).width / 2 + 3;
      const box = [x - half, y - 9, x + half, y + 9];
      if (boxes.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
      boxes.push(box);
      words.push({ cluster: d.id, text, box });
      ctx.strokeText(text, x, y);
      ctx.fillText(text, x, y);
    }
    ctx.restore();
  }

  let pending = false;
  const redraw = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw(); });
  };

  function resize() {
    const rect = canvas.getBoundingClientRect();
    dpr = window.devicePixelRatio || 1;
    const refit = W === 0;
    W = Math.max(1, Math.floor(rect.width));
    H = Math.max(1, Math.floor(rect.height));
    canvas.width = W * dpr;
    canvas.height = H * dpr;
    if (refit) fit();
  }

  // Hover: a uniform grid over the data bounds, each cell listing its points.
  const G = Math.max(1, Math.min(512, Math.ceil(Math.sqrt(n / 4))));
  const cellOf = (x, y) => {
    const gx = Math.min(G - 1, Math.max(0, Math.floor(((x - minX) / (maxX - minX || 1)) * G)));
    const gy = Math.min(G - 1, Math.max(0, Math.floor(((y - minY) / (maxY - minY || 1)) * G)));
    return [gx, gy];
  };
  const start = new Int32Array(G * G + 1);
  const order = new Int32Array(n);
  {
    const cell = new Int32Array(n);
    for (let i = 0; i < n; i++) { const [gx, gy] = cellOf(X[i], Y[i]); cell[i] = gy * G + gx; start[cell[i] + 1]++; }
    for (let k = 0; k < G * G; k++) start[k + 1] += start[k];
    const fill = start.slice(0, G * G);
    for (let i = 0; i < n; i++) order[fill[cell[i]]++] = i;
  }
  /** The visible point nearest the screen position (CSS pixels) within `radius` pixels, or -1. */
  function pointAt(px, py, radius = 8) {
    const x = (px - W / 2) / view.scale + view.cx, y = (H / 2 - py) / view.scale + view.cy;
    const rd = radius / view.scale;
    const [x0, y0] = cellOf(x - rd, y - rd), [x1, y1] = cellOf(x + rd, y + rd);
    let best = -1, bestD = radius * radius;
    for (let gy = y0; gy <= y1; gy++) {
      for (let gx = x0; gx <= x1; gx++) {
        const k = gy * G + gx;
        for (let j = start[k]; j < start[k + 1]; j++) {
          const i = order[j];
          if (!visible(i) || (dimming() && !isHighlighted(i))) continue;
          const dx = sx(i) - px, dy = sy(i) - py, d = dx * dx + dy * dy;
          if (d <= bestD) { bestD = d; best = i; }
        }
      }
    }
    return best;
  }

  const tooltip = $('tooltip');
  function showTooltip(i, px, py) {
    if (i < 0) { tooltip.style.display = 'none'; return; }
    tooltip.innerHTML = `<div class="text">${esc(T[i])}</div><div class="meta"><span class="swatch" style="background:${colourOf(C[i])}"></span>` +
      `${C[i] < 0 ? 'noise' : `cluster ${C[i]}`}${P[i] ? ' · in the sample' : ''}${OUT[i] ? ' · outlier, drawn at the edge' : ''}${D.userIds.length ? ` · id ${esc(D.userIds[i])}` : ''}` +
      `${F.map((f) => `<br>${esc(f.key)}: ${esc(f.values[f.codes[i]])}`).join('')}<br>${esc(describe(C[i]))}</div>`;
    tooltip.style.display = 'block';
    const wrap = canvas.getBoundingClientRect();
    tooltip.style.left = `${Math.min(px + 14, wrap.width - tooltip.offsetWidth - 4)}px`;
    tooltip.style.top = `${Math.min(py + 14, wrap.height - tooltip.offsetHeight - 4)}px`;
  }

  // Pan (drag), zoom (wheel, around the cursor), hover, click a point to zoom to its cluster
  // and offer "more like this", shift-drag a box to select the points inside it.
  let drag = null;
  const box = $('box');
  // A tooltip opened from a search result stays until the next press anywhere (issue 22: it
  // used to stay through later clicks).
  document.addEventListener('mousedown', () => { tooltip.style.display = 'none'; }, true);
  canvas.addEventListener('mousedown', (e) => {
    drag = { x: e.offsetX, y: e.offsetY, x0: e.offsetX, y0: e.offsetY, moved: false, box: e.shiftKey };
    if (!drag.box) canvas.classList.add('dragging');
  });
  window.addEventListener('mouseup', (e) => {
    if (drag && drag.box && drag.moved) {
      const r = canvas.getBoundingClientRect();
      selectBox(drag.x0, drag.y0, e.clientX - r.left, e.clientY - r.top);
    } else if (drag && !drag.moved && e.target === canvas) {
      const i = pointAt(e.offsetX, e.offsetY);
      if (i >= 0) showPoint(i);
      if (i >= 0 && C[i] >= 0) select(C[i] === state.selected ? null : C[i]);
    }
    drag = null;
    box.style.display = 'none';
    canvas.classList.remove('dragging');
  });
  canvas.addEventListener('mousemove', (e) => {
    if (drag && drag.box) {
      if (Math.abs(e.offsetX - drag.x0) + Math.abs(e.offsetY - drag.y0) > 2) drag.moved = true;
      Object.assign(box.style, { display: 'block', left: `${Math.min(drag.x0, e.offsetX)}px`, top: `${Math.min(drag.y0, e.offsetY)}px`,
        width: `${Math.abs(e.offsetX - drag.x0)}px`, height: `${Math.abs(e.offsetY - drag.y0)}px` });
      return;
    }
    if (drag) {
      const dx = e.offsetX - drag.x, dy = e.offsetY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      view.cx -= dx / view.scale; view.cy += dy / view.scale;
      drag.x = e.offsetX; drag.y = e.offsetY;
      tooltip.style.display = 'none';
      redraw();
      return;
    }
    showTooltip(pointAt(e.offsetX, e.offsetY), e.offsetX, e.offsetY);
  });
  canvas.addEventListener('mouseleave', () => { tooltip.style.display = 'none'; });
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const f = Math.exp(-e.deltaY * 0.0015);
    const x = (e.offsetX - W / 2) / view.scale + view.cx, y = (H / 2 - e.offsetY) / view.scale + view.cy;
    view.scale *= f;
    view.cx = x - (e.offsetX - W / 2) / view.scale;
    view.cy = y - (H / 2 - e.offsetY) / view.scale;
    tooltip.style.display = 'none';
    redraw();
  }, { passive: false });
  canvas.addEventListener('dblclick', () => { view.cx = (minX + maxX) / 2; view.cy = (minY + maxY) / 2; fit(); redraw(); });

  // Cluster list, sorted by size (the generator sorts), and the selected cluster's detail.
  const list = $('clusters');
  list.innerHTML = D.clusters.map((c) => `<li data-cluster="${c.id}"><span class="swatch" style="background:${colourOf(c.id)}"></span>` +
    `<span class="size">#${c.id} · ${c.size.toLocaleString('en-US')} rows${D.hasSample ? ` · ${c.picked} sampled` : ''}</span><br>` +
    `${c.label ? `<span class="label">${esc(c.label)}</span><br>` : ''}<span class="kw">${esc(c.keywords.join(', '))}</span></li>`).join('');
  list.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-cluster]');
    if (li) select(Number(li.dataset.cluster) === state.selected ? null : Number(li.dataset.cluster));
  });
  /** Fits the view to the 5th–95th percentile box of the given points (a k-means cluster often
   * has a few members across the map: SOTU's largest, on min/max, barely zoomed), widened by a
   * fifth, at most 60× the full view's zoom. */
  function zoomTo(points) {
    if (points.length === 0) return;
    const xs = Float32Array.from(points, (i) => X[i]).sort(), ys = Float32Array.from(points, (i) => Y[i]).sort();
    const q = (a, p) => a[Math.round(p * (a.length - 1))];
    const padX = 0.2 * (q(xs, 0.95) - q(xs, 0.05)), padY = 0.2 * (q(ys, 0.95) - q(ys, 0.05));
    const [x0, x1, y0, y1] = [q(xs, 0.05) - padX, q(xs, 0.95) + padX, q(ys, 0.05) - padY, q(ys, 0.95) + padY];
    view.cx = (x0 + x1) / 2; view.cy = (y0 + y1) / 2;
    view.scale = Math.min(60 * fitScale(), Math.min(W / (x1 - x0 || 1e-9), H / (y1 - y0 || 1e-9)));
  }
  function select(c) {
    state.selected = c;
    clearSearch();
    if (c !== null) {
      const members = [];
      for (let i = 0; i < n; i++) if (C[i] === c && visible(i)) members.push(i);
      zoomTo(members);
    }
    for (const li of list.children) li.classList.toggle('selected', Number(li.dataset.cluster) === c);
    const d = c === null ? null : byId.get(c);
    $('detail').innerHTML = d ? `<h2><span class="swatch" style="background:${colourOf(c)}"></span>Cluster ${c}: ${d.size.toLocaleString('en-US')} rows${D.hasSample ? `, ${d.picked} sampled` : ''}</h2>` +
      `${d.label ? `<div class="label">${esc(d.label)}</div>` : ''}<div class="kw">${esc(d.keywords.join(', '))}</div>` +
      `<div>Nearest the centre:</div><ol>${d.reps.map((t) => `<li>${esc(t)}</li>`).join('')}</ol>` : '';
    redraw();
  }

  // Search: case-insensitive substring over the texts; matches are highlighted and listed.
  const search = $('search');
  let lower = null;
  function clearSearch() { state.matches = null; state.matchSet = null; $('results').innerHTML = ''; if (search.value && state.selected !== null) search.value = ''; }
  /** Highlights the given points as matches and lists them under a heading. */
  function showMatches(matches, heading) {
    if (state.selected !== null) { state.selected = null; for (const li of list.children) li.classList.remove('selected'); $('detail').innerHTML = ''; }
    state.matches = matches;
    state.matchSet = new Uint8Array(n);
    for (const i of matches) state.matchSet[i] = 1;
    $('results').innerHTML = `<h2>${esc(heading)}</h2><ul>` +
      matches.slice(0, 100).map((i) => `<li data-point="${i}"><span class="swatch" style="background:${colourOf(C[i])}"></span>${esc(T[i])}</li>`).join('') + '</ul>';
    redraw();
  }
  function runSearch() {
    const q = search.value.trim().toLowerCase();
    if (q.length < 2) { state.matches = null; $('results').innerHTML = ''; redraw(); return; }
    lower ??= T.map((t) => t.toLowerCase());
    const matches = [];
    for (let i = 0; i < n; i++) if (lower[i].includes(q)) matches.push(i);
    showMatches(matches, `${matches.length.toLocaleString('en-US')} texts match`);
  }
  let timer = 0;
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(runSearch, 120); });
  $('results').addEventListener('click', (e) => {
    const li = e.target.closest('li[data-point]');
    if (!li) return;
    const i = Number(li.dataset.point);
    view.cx = X[i]; view.cy = Y[i];
    redraw();
    requestAnimationFrame(() => showTooltip(i, W / 2, H / 2));
  });

  // A clicked point: its text and "more like this", its nearest rows on the map (a kNN over
  // the drawn 2-D points: brute force, 200,000 distances take a few ms).
  const MORE = 20;
  function showPoint(i) {
    $('point').innerHTML = `<h2>Point${P[i] ? ' (in the sample)' : ''}</h2><div class="text">${esc(T[i])}</div>` +
      `<button id="more-like-this" data-point="${i}">More like this</button>`;
  }
  function moreLikeThis(i) {
    const near = [];
    for (let j = 0; j < n; j++) if (j !== i && visible(j)) near.push([(X[j] - X[i]) ** 2 + (Y[j] - Y[i]) ** 2, j]);
    near.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    showMatches([i, ...near.slice(0, MORE).map((d) => d[1])], `This row and the ${Math.min(MORE, near.length)} nearest on the map`);
  }
  $('point').addEventListener('click', (e) => { if (e.target.id === 'more-like-this') moreLikeThis(Number(e.target.dataset.point)); });

  // Box selection (shift-drag): the visible points inside, exported as ids or as SQL for
  // `semclust query OUTDIR "…"` over the rows view.
  const sqlString = (s) => `'${s.replace(/'/g, "''")}'`;
  const exportText = (kind) => (kind === 'ids' ? state.selection.map((i) => IDS[i]).join('\n')
    : `SELECT * FROM rows WHERE id IN (${state.selection.map((i) => sqlString(IDS[i])).join(', ')})`);
  function selectBox(ax, ay, bx, by) {
    const [x0, x1, y0, y1] = [Math.min(ax, bx), Math.max(ax, bx), Math.min(ay, by), Math.max(ay, by)];
    const inside = [];
    for (let i = 0; i < n; i++) {
      if (!visible(i)) continue;
      const x = sx(i), y = sy(i);
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1) inside.push(i);
    }
    state.selection = inside;
    $('selection').innerHTML = inside.length === 0 ? '' : `<h2>${inside.length.toLocaleString('en-US')} rows selected</h2>` +
      '<button id="copy-ids">Copy ids</button> <button id="copy-sql">Copy SQL</button> <button id="clear-selection">Clear</button>' +
      `<textarea id="selection-text" readonly rows="3">${esc(exportText('sql'))}</textarea>`;
    showMatches(inside, `${inside.length.toLocaleString('en-US')} rows in the box`);
  }
  $('selection').addEventListener('click', (e) => {
    if (e.target.id === 'clear-selection') { state.selection = []; $('selection').innerHTML = ''; clearSearch(); redraw(); return; }
    if (e.target.id !== 'copy-ids' && e.target.id !== 'copy-sql') return;
    const area = $('selection-text');
    area.value = exportText(e.target.id === 'copy-ids' ? 'ids' : 'sql');
    // The clipboard API needs a secure context; a file:// page may refuse it, so fall back to
    // copying the shown text.
    const fallback = () => { area.select(); document.execCommand('copy'); };
    if (navigator.clipboard) navigator.clipboard.writeText(area.value).catch(fallback); else fallback();
    $('copy-ids').textContent = e.target.id === 'copy-ids' ? 'Copied ids' : 'Copy ids';
    $('copy-sql').textContent = e.target.id === 'copy-sql' ? 'Copied SQL' : 'Copy SQL';
  });

  // Facets (`--facet`): colour by a record field; the legend lists its values with their rows,
  // their share of the population and of the sample (the coverage shift), and a click on a
  // value hides or shows its points.
  const pct = (v) => `${(100 * v).toFixed(1)}%`;
  function legend() {
    const el = $('legend');
    if (state.colourBy < 0) { el.innerHTML = ''; return; }
    const f = F[state.colourBy];
    const rows = f.rows.reduce((a, b) => a + b, 0), sampled = f.sampled.reduce((a, b) => a + b, 0);
    el.innerHTML = `<h2>${esc(f.key)} (click a value to hide or show it)</h2><table><tr><th></th><th>value</th><th>rows</th><th>share</th>` +
      `${D.hasSample ? '<th>sample</th><th>shift</th>' : ''}</tr>` +
      f.values.map((v, j) => `<tr data-value="${j}" class="${state.hidden.has(j) ? 'hidden' : ''}"><td><span class="swatch" style="background:rgb(${f.rgb[j * 3]},${f.rgb[j * 3 + 1]},${f.rgb[j * 3 + 2]})"></span></td>` +
        `<td>${esc(v)}</td><td>${f.rows[j].toLocaleString('en-US')}</td><td>${pct(f.rows[j] / (rows || 1))}</td>` +
        (D.hasSample ? `<td>${pct(f.sampled[j] / (sampled || 1))}</td><td>${(Math.round(1000 * (f.sampled[j] / (sampled || 1) - f.rows[j] / (rows || 1))) / 10 || 0).toFixed(1)} pt</td>` : '') + '</tr>').join('') + '</table>';
  }
  $('legend').addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-value]');
    if (!tr) return;
    const j = Number(tr.dataset.value);
    if (state.hidden.has(j)) state.hidden.delete(j); else state.hidden.add(j);
    legend();
    redraw();
  });
  const colourBy = $('colour-by');
  if (colourBy) colourBy.addEventListener('change', () => { state.colourBy = colourBy.value === '' ? -1 : Number(colourBy.value); state.hidden.clear(); legend(); redraw(); });

  // Toggles.
  const toggle = (id, key) => { const el = $(id); if (!el) return; el.checked = state[key]; el.addEventListener('change', () => { state[key] = el.checked; redraw(); }); };
  toggle('show-noise', 'showNoise');
  toggle('only-sample', 'onlySample');
  toggle('rings', 'rings');

  // Histogram of cluster sizes: log-spaced bins when sizes span more than 20×.
  (function histogram() {
    const sizes = D.clusters.map((c) => c.size).filter((s) => s > 0);
    const el = $('histogram');
    if (sizes.length === 0) return;
    const lo = Math.min(...sizes), hi = Math.max(...sizes);
    const log = hi / lo > 20;
    const bins = Math.min(24, Math.max(1, sizes.length));
    const edge = (k) => (log ? lo * Math.pow(hi / lo, k / bins) : lo + ((hi - lo) * k) / bins);
    const counts = new Array(bins).fill(0);
    for (const s of sizes) {
      let k = 0;
      while (k < bins - 1 && s >= edge(k + 1)) k++;
      counts[k]++;
    }
    const top = Math.max(...counts), w = 360, h = 70, bw = w / bins;
    el.innerHTML = `<svg width="${w}" height="${h + 16}" role="img" aria-label="histogram of cluster sizes">` +
      counts.map((c, k) => `<rect x="${(k * bw).toFixed(1)}" y="${(h - (h * c) / top).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${((h * c) / top).toFixed(1)}" fill="#7a8fc0"><title>${c} clusters of ${Math.round(edge(k))}–${Math.round(edge(k + 1))} rows</title></rect>`).join('') +
      `<text x="0" y="${h + 13}" font-size="11">${lo.toLocaleString('en-US')}</text><text x="${w}" y="${h + 13}" font-size="11" text-anchor="end">${hi.toLocaleString('en-US')} rows${log ? ' (log bins)' : ''}</text></svg>`;
  })();

  resize();
  draw();
  window.addEventListener('resize', () => { resize(); redraw(); });
  window.semclust = {
    points: n,
    firstDrawMs: performance.now(),
    get drawn() { return state.drawn; },
    /** Milliseconds the last draw took (pan, zoom, highlight): bench:report times redraws with it. */
    get lastDrawMs() { return state.drawMs; },
    /** The words written on the map by the last draw: cluster, text, CSS-pixel box [x0, y0, x1, y1]. */
    get mapWords() { return words; },
    /** CSS-pixel position of point i in the page. */
    screenOf(i) { const r = canvas.getBoundingClientRect(); return [r.left + sx(i), r.top + sy(i)]; },
    highlighted() { const out = []; if (!dimming()) return out; for (let i = 0; i < n; i++) if (visible(i) && isHighlighted(i)) out.push(i); return out; },
    /** Indices of the visible points. */
    visiblePoints() { const out = []; for (let i = 0; i < n; i++) if (visible(i)) out.push(i); return out; },
    /** The canvas size in CSS pixels. */
    get canvasSize() { return [W, H]; },
    get selection() { return state.selection; },
    get rings() { return state.rings; },
    colourAt(i) { const f = state.colourBy >= 0 ? F[state.colourBy] : null; return f ? Array.from(f.rgb.slice(f.codes[i] * 3, f.codes[i] * 3 + 3)) : C[i] < 0 ? [200, 200, 200] : Array.from(rgb.slice(C[i] * 3, C[i] * 3 + 3)); },
    ids: IDS,
    outside: OUT,
    texts: T,
    clusters: C,
    pointAt,
  };
  document.body.dataset.ready = 'true';
})();
