// report.html: the page's script, inlined by pipeline/report/report.ts. No network, no libraries:
// a 2-D canvas scatter (pixels written into one ImageData), a uniform grid for hover,
// DOM lists for clusters and search. `window.semclust` exposes state for the browser test.
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
  const C = decode(D.cluster, Int32Array), P = decode(D.picked, Uint8Array);
  const T = D.texts;
  const n = X.length;
  const byId = new Map(D.clusters.map((c) => [c.id, c]));
  const $ = (id) => document.getElementById(id);
  const esc = (s) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]);

  // Golden-angle hues as in plot.svg, so a cluster has one colour in both.
  let maxId = 0;
  for (let i = 0; i < n; i++) if (C[i] > maxId) maxId = C[i];
  for (const c of D.clusters) if (c.id > maxId) maxId = c.id;
  const rgb = new Uint8Array((maxId + 1) * 3);
  const hsl = (h, s, l) => {
    const a = s * Math.min(l, 1 - l);
    const f = (k) => { const t = (k + h / 30) % 12; return Math.round(255 * (l - a * Math.max(-1, Math.min(t - 3, 9 - t, 1)))); };
    return [f(0), f(8), f(4)];
  };
  for (let c = 0; c <= maxId; c++) rgb.set(hsl((c * 137.508) % 360, 0.7, 0.45), c * 3);
  const colourOf = (c) => (c < 0 ? 'rgb(200,200,200)' : `rgb(${rgb[c * 3]},${rgb[c * 3 + 1]},${rgb[c * 3 + 2]})`);
  const describe = (c) => {
    if (c < 0) return 'noise';
    const d = byId.get(c);
    if (!d) return `cluster ${c}`;
    return `${d.label ? d.label + ' — ' : ''}${d.keywords.slice(0, 5).join(', ')}`;
  };

  // View: data bounds fitted to the canvas, then pan and zoom.
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
  const fit = () => { view.scale = 0.92 * Math.min(W / (maxX - minX || 1), H / (maxY - minY || 1)); };
  const sx = (i) => (X[i] - view.cx) * view.scale + W / 2;
  const sy = (i) => H / 2 - (Y[i] - view.cy) * view.scale;

  // State the controls change.
  const state = { showNoise: true, onlySample: false, rings: D.hasSample, selected: null, matches: null, drawn: 0, drawMs: 0 };
  const visible = (i) => (state.showNoise || C[i] >= 0) && (!state.onlySample || P[i] === 1);
  const isHighlighted = (i) => (state.matches ? state.matchSet[i] === 1 : state.selected === null || C[i] === state.selected);
  const dimming = () => state.matches !== null || state.selected !== null;

  function draw() {
    const t0 = performance.now();
    const img = ctx.createImageData(W * dpr, H * dpr);
    const buf = new Uint32Array(img.data.buffer);
    buf.fill(0xffffffff);
    const w = W * dpr, h = H * dpr, r = Math.max(1, Math.round(dpr * 1.2));
    const put = (i, colour) => {
      const px = Math.round(sx(i) * dpr), py = Math.round(sy(i) * dpr);
      if (px < 0 || py < 0 || px >= w || py >= h) return false;
      for (let yy = Math.max(0, py - r); yy <= Math.min(h - 1, py + r); yy++) {
        const row = yy * w;
        for (let xx = Math.max(0, px - r); xx <= Math.min(w - 1, px + r); xx++) buf[row + xx] = colour;
      }
      return true;
    };
    const abgr = (c) => (c < 0 ? 0xffc8c8c8 : (0xff000000 | (rgb[c * 3 + 2] << 16) | (rgb[c * 3 + 1] << 8) | rgb[c * 3]) >>> 0);
    const dim = dimming();
    let drawn = 0;
    // Passes: noise, then the rest (dimmed ones first when something is highlighted), so
    // highlighted points are never hidden under others.
    for (let pass = 0; pass < 3; pass++) {
      for (let i = 0; i < n; i++) {
        if (!visible(i)) continue;
        const noise = C[i] < 0;
        const hi = isHighlighted(i);
        const p = noise && !(dim && hi) ? 0 : dim && !hi ? 1 : 2;
        if (p !== pass) continue;
        if (put(i, dim && !hi ? 0xffe6e6e6 : abgr(C[i]))) drawn++;
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
      `${C[i] < 0 ? 'noise' : `cluster ${C[i]}`}${P[i] ? ' · in the sample' : ''}${D.userIds.length ? ` · id ${esc(D.userIds[i])}` : ''}<br>${esc(describe(C[i]))}</div>`;
    tooltip.style.display = 'block';
    const wrap = canvas.getBoundingClientRect();
    tooltip.style.left = `${Math.min(px + 14, wrap.width - tooltip.offsetWidth - 4)}px`;
    tooltip.style.top = `${Math.min(py + 14, wrap.height - tooltip.offsetHeight - 4)}px`;
  }

  // Pan (drag), zoom (wheel, around the cursor), hover, click a point to select its cluster.
  let drag = null;
  canvas.addEventListener('mousedown', (e) => { drag = { x: e.offsetX, y: e.offsetY, moved: false }; canvas.classList.add('dragging'); });
  window.addEventListener('mouseup', (e) => {
    if (drag && !drag.moved && e.target === canvas) {
      const i = pointAt(e.offsetX, e.offsetY);
      if (i >= 0 && C[i] >= 0) select(C[i] === state.selected ? null : C[i]);
    }
    drag = null;
    canvas.classList.remove('dragging');
  });
  canvas.addEventListener('mousemove', (e) => {
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
  function select(c) {
    state.selected = c;
    clearSearch();
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
  function runSearch() {
    const q = search.value.trim().toLowerCase();
    if (q.length < 2) { state.matches = null; $('results').innerHTML = ''; redraw(); return; }
    if (state.selected !== null) { state.selected = null; for (const li of list.children) li.classList.remove('selected'); $('detail').innerHTML = ''; }
    lower ??= T.map((t) => t.toLowerCase());
    const matches = [];
    for (let i = 0; i < n; i++) if (lower[i].includes(q)) matches.push(i);
    state.matches = matches;
    state.matchSet = new Uint8Array(n);
    for (const i of matches) state.matchSet[i] = 1;
    const shown = matches.slice(0, 100);
    $('results').innerHTML = `<h2>${matches.length.toLocaleString('en-US')} texts match</h2><ul>` +
      shown.map((i) => `<li data-point="${i}"><span class="swatch" style="background:${colourOf(C[i])}"></span>${esc(T[i])}</li>`).join('') + '</ul>';
    redraw();
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
    texts: T,
    clusters: C,
    pointAt,
  };
  document.body.dataset.ready = 'true';
})();
