// foretold dashboard: fetches /api/..., listens to /events, builds the DOM with textContent.
// Post text and every other datum are untrusted: never innerHTML, never a URL that is not http(s).
"use strict";
(function () {
  const LEVEL_COLOURS = { watch: "#d4a72c", warning: "#e8772e", crisis: "#cf222e", all_clear: "#2da44e", none: "#8c959f" };
  const PHASE_COLOURS = { quiet: "rgba(140,149,159,0.06)", weak_signals: "rgba(212,167,44,0.10)",
    negative_turn: "rgba(232,119,46,0.10)", escalation: "rgba(232,119,46,0.18)",
    takeover: "rgba(207,34,46,0.16)", press_pickup: "rgba(130,80,223,0.16)", decay: "rgba(45,164,78,0.10)" };
  const state = { campaign: null, charts: {}, timeline: null, mix: null, refreshing: false, again: false,
    updates: 0, failed: false, stream: "connecting…" };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function safeLink(url) {
    try {
      const u = new URL(url);
      if (u.protocol === "http:" || u.protocol === "https:") {
        return el("a", { href: u.href, rel: "noopener noreferrer nofollow", target: "_blank" }, url);
      }
    } catch (e) { /* not a URL: shown as text */ }
    return document.createTextNode(String(url));
  }
  function pct(x) { return x === null || x === undefined ? "–" : Math.round(100 * x) + "%"; }
  function num(n) { return n === null || n === undefined ? "–" : Number(n).toLocaleString("en"); }
  function levelBadge(level) { return el("span", { class: "level level-" + level }, level.replace("_", " ")); }
  async function api(path) {
    const r = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!r.ok) throw new Error(path + ": HTTP " + r.status);
    return r.json();
  }
  const enc = encodeURIComponent;

  // Columns for uPlot with a null row wherever time jumps by more than 1.5 steps, so no
  // line is drawn across a gap (uPlot breaks a line at null).
  function withGaps(t, cols, step) {
    const out = [[], ...cols.map(() => [])];
    for (let i = 0; i < t.length; i++) {
      if (i > 0 && step > 0 && t[i] - t[i - 1] > 1.5 * step) {
        out[0].push(t[i - 1] + step);
        cols.forEach((c, j) => out[j + 1].push(null));
      }
      out[0].push(t[i]);
      cols.forEach((c, j) => out[j + 1].push(c[i] === undefined ? null : c[i]));
    }
    return out;
  }
  function typicalStep(t) {
    const d = [];
    for (let i = 1; i < t.length; i++) if (t[i] > t[i - 1]) d.push(t[i] - t[i - 1]);
    d.sort((a, b) => a - b);
    return d.length ? d[Math.floor(d.length / 2)] : 0;
  }
  // Trailing mean over `n` buckets of one contiguous run (a gap restarts it), weighted by
  // the posts labelled in each bucket when `weights` is given.
  function smooth(t, values, n, step, weights) {
    if (n <= 1) return values;
    return values.map((v, i) => {
      let sum = 0, total = 0;
      for (let k = i; k > i - n && k >= 0; k--) {
        if (k < i && t[k + 1] - t[k] > 1.5 * step) break;
        if (values[k] === null || values[k] === undefined) continue;
        const w = weights ? weights[k] : 1;
        sum += values[k] * w; total += w;
      }
      return total ? sum / total : null;
    });
  }
  const METRIC_LABELS = {
    risk: ["hijack risk", "risk"], hostile_share_15m: ["hostile share, 15 min", "pct"],
    hostile_share_60m: ["hostile share, 60 min", "pct"], baseline_hostile_share: ["usual hostile share", "pct"],
    hostile_posts_15m: ["hostile posts, 15 min", "num"], expected_hostile_posts_15m: ["expected hostile posts, 15 min", "dec"],
    posts_15m: ["posts, 15 min", "num"], baseline_posts_per_min: ["usual posts per minute", "dec"],
    hostile_question_share_15m: ["hostile questions, 15 min", "pct"], reach_hostility_15m: ["hostility weighted by reach, 15 min", "dec"],
    newcomer_share_15m: ["newcomers, 15 min", "pct"], branching_60m: ["cascade branching, 60 min", "dec"],
    amplifiers_60m: ["amplifiers, 60 min", "num"], news_posts_60m: ["news posts, 60 min", "num"],
    hostility_15m: ["hostility, 15 min", "dec"], baseline_hostility: ["usual hostility", "dec"],
    cusum: ["CUSUM statistic", "dec"], ewma_score: ["EWMA score", "dec"], change_point: ["change-point probability", "dec"],
  };
  function metricValue(v, kind) {
    if (v === null || v === undefined) return "–";
    if (typeof v !== "number") return String(v);
    if (kind === "pct") return (100 * v).toFixed(1) + "%";
    if (kind === "num") return num(v);
    if (kind === "risk") return v.toFixed(2);
    return Number.isInteger(v) ? num(v) : v.toFixed(2);
  }

  function renderCampaigns(list) {
    const ul = clear(document.getElementById("campaign-list"));
    for (const c of list) {
      const li = el("li", { dataset: { campaign: c.name } }, el("span", {}, c.name), levelBadge(c.level));
      if (c.name === state.campaign) li.classList.add("selected");
      li.addEventListener("click", () => { location.hash = enc(c.name); });
      ul.append(li);
    }
  }

  // A post's pictures: the text read in each and its alt text, as text; a thumbnail only
  // from the dashboard's own /media address (a local file), never a platform's server.
  function pictures(p) {
    const items = p.media || [];
    if (!items.length) return null;
    const box = el("div", { class: "post-media" });
    for (const m of items) {
      const fig = el("figure", { class: "media-item" });
      if (typeof m.thumb === "string" && m.thumb.startsWith("/media?")) {
        fig.append(el("img", { class: "thumb", src: m.thumb, alt: m.alt_text || "", loading: "lazy" }));
      }
      const cap = el("figcaption", {}, el("span", { class: "media-type" }, m.type || "media"));
      if (m.image_text) cap.append(el("div", { class: "image-text" }, el("span", { class: "media-label" }, "image text: "), m.image_text));
      if (m.alt_text) cap.append(el("div", { class: "alt-text" }, el("span", { class: "media-label" }, "alt: "), m.alt_text));
      fig.append(cap);
      box.append(fig);
    }
    return box;
  }

  function post(p) {
    const flags = (p.flags || []).map((f) => el("span", { class: "flag" }, f));
    return el("li", { class: "post", dataset: { id: p.id } },
      el("div", { class: "post-text" }, p.text),
      pictures(p),
      el("div", { class: "post-meta" }, "@" + p.author + " · " + num(p.followers) + " followers · " +
        p.created_at + " · " + p.kind + " · engagement " + num(p.engagement) +
        (p.sentiment ? " · " + p.sentiment : "") + " ", ...flags));
  }

  function renderPictures(groups) {
    const ol = clear(document.getElementById("pictures"));
    for (const g of groups) {
      const fig = el("figure", { class: "media-item" });
      if (typeof g.thumb === "string" && g.thumb.startsWith("/media?")) {
        fig.append(el("img", { class: "thumb", src: g.thumb, alt: g.alt_text || "", loading: "lazy" }));
      }
      const cap = el("figcaption", {}, el("div", { class: "post-meta" }, num(g.posts) + " posts · " +
        num(g.accounts) + " accounts · first " + g.first_at));
      if (g.text) cap.append(el("div", { class: "image-text" }, el("span", { class: "media-label" }, "image text: "), g.text));
      if (g.alt_text) cap.append(el("div", { class: "alt-text" }, el("span", { class: "media-label" }, "alt: "), g.alt_text));
      fig.append(cap);
      ol.append(el("li", { class: "picture" }, fig));
    }
    if (!groups.length) ol.append(el("li", {}, "no pictures read yet"));
  }

  function renderPosts(id, posts) {
    const ol = clear(document.getElementById(id));
    for (const p of posts) ol.append(post(p));
    if (!posts.length) ol.append(el("li", {}, "none yet"));
  }

  function evidenceTable(a) {
    const ev = a.evidence || {};
    const table = el("table", { class: "evidence" });
    const row = (label, ...value) => table.append(el("tr", {}, el("th", { scope: "row" }, label), el("td", {}, ...value)));
    if ((a.signals || []).length) row("signals", a.signals.map((x) => x.replaceAll("_", " ")).join(", "));
    if ((ev.authors || []).length) row("people", ev.authors.join(", "));
    if ((ev.links || []).length) {
      const ul = el("ul", {});
      for (const u of ev.links) ul.append(el("li", {}, safeLink(u)));
      row("links", ul);
    }
    if ((a.evidence_posts || []).length) {
      const ul = el("ul", {});
      for (const p of a.evidence_posts) {
        const li = el("li", {}, el("span", { class: "post-text" }, p.text), " — @" + p.author);
        const said = (ev.images || {})[p.id]; // what the post's pictures say (docs/media.md)
        if (said) li.append(el("div", { class: "image-text" }, el("span", { class: "media-label" }, "image text: "), said));
        ul.append(li);
      }
      row("posts", ul);
    }
    if (ev.coordination) row("coordination", ...coordination(ev.coordination));
    for (const [k, v] of Object.entries(ev.metrics || {})) {
      const [label, kind] = METRIC_LABELS[k] || [k.replaceAll("_", " "), "dec"];
      const tr = el("tr", { class: "metric", dataset: { metric: k } }, el("th", { scope: "row" }, label),
        el("td", { class: "num" }, metricValue(v, kind)));
      table.append(tr);
    }
    return table;
  }

  // the swarm behind a storm (docs/coordination.md): clusters of near-copies, the accounts
  function coordination(co) {
    const pct = (x) => (x == null ? "-" : Math.round(x * 100) + "%");
    const young = co.young_accounts ? ` (${co.young_accounts} created this month)` : "";
    const head = el("div", { class: "coordination" },
      `${pct(co.near_copy_hostile_share)} of hostile posts, ${pct(co.near_copy_share)} of posts in ` +
      `the last ${co.minutes} min are near-copies; ${co.coordinated_accounts} coordinated accounts${young}`);
    const clusters = el("ul", { class: "clusters" });
    for (const c of co.clusters || []) {
      clusters.append(el("li", {}, el("span", { class: "post-text" }, c.example),
        ` — ${c.size} posts from ${c.accounts} accounts, first seen ${c.first_seen}`));
    }
    const accounts = el("ul", { class: "accounts" });
    for (const a of co.accounts || []) {
      accounts.append(el("li", {}, `@${a.handle} ${Number(a.score).toFixed(2)}: ` + (a.drivers || []).join(", ").replaceAll("_", " ") +
        (a.synchronised ? " (synchronised)" : "")));
    }
    return [head, clusters, accounts];
  }

  function renderAlerts(alerts) {
    const ol = clear(document.getElementById("alerts"));
    for (const a of alerts) {
      ol.append(el("li", { class: "alert", dataset: { id: a.id, level: a.level } },
        levelBadge(a.level), " ", el("span", { class: "post-meta" }, a.at), " ",
        el("div", { class: "summary" }, a.summary), evidenceTable(a)));
    }
    if (!alerts.length) ol.append(el("li", {}, "no alerts"));
  }

  function renderAmplifiers(rows) {
    const t = clear(document.getElementById("amplifiers"));
    t.append(el("tr", {}, el("th", {}, "account"), el("th", { class: "num" }, "followers"),
      el("th", { class: "num" }, "posts"), el("th", {}, "first seen")));
    for (const r of rows) {
      t.append(el("tr", {}, el("td", {}, "@" + r.author), el("td", { class: "num" }, num(r.followers)),
        el("td", { class: "num" }, num(r.posts)), el("td", {}, String(r.first_at).slice(5, 16).replace("T", " "))));
    }
  }

  function renderLinks(data) {
    const links = clear(document.getElementById("links"));
    for (const l of data.links) links.append(el("li", {}, safeLink(l.url), " (" + num(l.posts) + ")"));
    if (!data.links.length) links.append(el("li", {}, "none"));
    const domains = clear(document.getElementById("domains"));
    for (const d of data.domains) domains.append(el("li", {}, d.domain + " (" + num(d.posts) + ")"));
  }

  function renderSources(rows) {
    const ul = clear(document.getElementById("sources"));
    for (const s of rows) {
      ul.append(el("li", { title: s.detail || "" }, s.source + ": " + s.state +
        (s.posts_per_min ? " · " + Math.round(s.posts_per_min) + "/min" : "")));
    }
    if (!rows.length) ul.append(el("li", {}, "no live sources (replay)"));
  }

  // alert markers and phase strip: DOM elements placed under the plotting area
  function drawOverlays(u) {
    const tl = state.timeline;
    if (!tl) return;
    const left = u.bbox.left / devicePixelRatio;
    const width = u.bbox.width / devicePixelRatio;
    const markers = clear(document.getElementById("markers"));
    for (const a of tl.alerts) {
      const x = u.valToPos(a.t, "x");
      if (!(x >= 0 && x <= width)) continue;
      markers.append(el("span", { class: "alert-marker level-" + a.level, title: a.level + " " + a.at,
        dataset: { id: a.id, level: a.level }, style: "left:" + (left + x) + "px;background:" + (LEVEL_COLOURS[a.level] || "#888") }));
    }
    const phases = clear(document.getElementById("phases"));
    const end = u.scales.x.max;
    const runs = mergedPhases(tl.phases);
    let lastLabelEnd = -Infinity;
    runs.forEach((p, i) => {
      const next = i + 1 < runs.length ? runs[i + 1].t : end;
      const x0 = Math.max(0, u.valToPos(p.t, "x"));
      const x1 = Math.min(width, u.valToPos(next, "x"));
      if (x1 <= x0) return;
      const label = p.phase.replaceAll("_", " ");
      // a label is shown only where it fits in its band and clears the previous label
      const need = 6 * label.length + 8;  // 11 px text: about 6 px a character
      const fits = x1 - x0 >= need && x0 >= lastLabelEnd;
      if (fits) lastLabelEnd = x0 + need;
      phases.append(el("span", { class: "phase", title: label + " from " + p.at, dataset: { phase: p.phase, labelled: fits ? "1" : "0" },
        style: "left:" + (left + x0) + "px;width:" + (x1 - x0) + "px" }, fits ? label : ""));
    });
  }

  function mergedPhases(list) {
    const out = [];
    for (const p of list) if (!out.length || out[out.length - 1].phase !== p.phase) out.push(p);
    return out;
  }

  function drawCanvasOverlays(u) {
    const tl = state.timeline;
    if (!tl) return;
    const ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
    ctx.save();
    const end = u.scales.x.max;
    const runs = mergedPhases(tl.phases);
    runs.forEach((p, i) => {
      const next = i + 1 < runs.length ? runs[i + 1].t : end;
      const x0 = u.valToPos(p.t, "x", true), x1 = u.valToPos(next, "x", true);
      ctx.fillStyle = PHASE_COLOURS[p.phase] || "rgba(0,0,0,0.04)";
      ctx.fillRect(x0, top, Math.max(0, x1 - x0), h);
    });
    for (const a of tl.alerts) {
      const x = u.valToPos(a.t, "x", true);
      ctx.strokeStyle = LEVEL_COLOURS[a.level] || "#888";
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + h); ctx.stroke();
    }
    ctx.restore();
  }

  function chartWidth(id) { return Math.max(200, document.getElementById(id).clientWidth || 800); }
  const SYNC = { key: "timeline" };
  const PADDING = [10, 28, null, null];  // the same right edge for both panels: their times line up

  function renderRisk(tl) {
    state.timeline = tl;
    const s = tl.series;
    const step = typicalStep(s.t);
    const [t, posts, risk] = withGaps(s.t, [s.posts, s.risk], step);
    if (state.charts.volume) {
      state.charts.volume.setData([t, posts]);
      state.charts.risk.setData([t, risk]);
      return;
    }
    const bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.9, 12] }) : undefined;
    state.charts.volume = new uPlot({
      width: chartWidth("chart-volume"), height: 130, cursor: { sync: SYNC }, padding: PADDING,
      scales: { x: { time: true } },
      series: [{}, { label: "posts / window", stroke: "#57606a", fill: "rgba(87,96,106,0.35)", width: 1, paths: bars }],
      axes: [{ show: false }, { label: "posts", size: 60 }],  // the risk chart below has the time axis
    }, [t, posts], document.getElementById("chart-volume"));
    state.charts.risk = new uPlot({
      width: chartWidth("chart-risk"), height: 200, cursor: { sync: SYNC }, padding: PADDING,
      scales: { x: { time: true }, y: { range: [0, 1] } },
      series: [{}, { label: "hijack risk", stroke: "#cf222e", width: 2, value: (u, v) => v === null ? "–" : v.toFixed(2) }],
      axes: [{}, { label: "hijack risk", size: 60 }],
      hooks: { draw: [drawCanvasOverlays, drawOverlays] },
    }, [t, risk], document.getElementById("chart-risk"));
  }

  const MIX_SERIES = [
    ["hostile", "#cf222e", 3, []], ["negative", "#e8772e", 2, [8, 4]], ["ironic", "#8250df", 2, [2, 3]],
    ["offensive", "#24292f", 1.5, [10, 3, 2, 3]], ["positive", "#2da44e", 2, []],
  ];

  function mixData(mix) {
    const s = mix.series;
    const n = Number(document.getElementById("mix-smooth").value) || 1;
    const step = mix.bucket_s;
    const cols = MIX_SERIES.map(([k]) => smooth(s.t, s[k], n, step, k === "hostile" ? null : s.labelled));
    return withGaps(s.t, cols, step);
  }

  function renderMix(mix) {
    state.mix = mix;
    const data = mixData(mix);
    if (state.charts.mix) { state.charts.mix.setData(data); return; }
    const share = (u, v) => pct(v);
    const opts = {
      width: chartWidth("chart-mix"), height: 220,
      scales: { x: { time: true }, y: { range: [0, 1] } },
      series: [{}, ...MIX_SERIES.map(([label, stroke, width, dash]) => ({ label, stroke, width, dash, value: share }))],
      axes: [{}, { values: (u, vals) => vals.map((v) => Math.round(v * 100) + "%"), size: 50 }],
    };
    state.charts.mix = new uPlot(opts, data, document.getElementById("chart-mix"));
  }

  function resetCharts() {
    for (const c of Object.values(state.charts)) c.destroy();
    state.charts = {};
  }

  async function refresh() {
    if (state.refreshing) { state.again = true; return; }
    state.refreshing = true;
    try {
      const [campaigns, sources] = await Promise.all([api("/api/campaigns"), api("/api/sources")]);
      const wanted = decodeURIComponent(location.hash.slice(1));
      const name = campaigns.some((c) => c.name === wanted) ? wanted : mostRecentlyActive(campaigns);
      if (name !== state.campaign) { resetCharts(); state.campaign = name; }
      renderCampaigns(campaigns);
      renderSources(sources);
      if (name) {
        const c = campaigns.find((x) => x.name === name);
        document.getElementById("campaign-title").textContent = c.name;
        const badge = document.getElementById("campaign-level");
        badge.className = "level level-" + c.level;
        badge.textContent = c.level;
        document.getElementById("campaign-meta").textContent = num(c.posts) + " posts · " + num(c.alerts) +
          " alerts · risk " + (c.risk === null ? "–" : c.risk.toFixed(2)) + (c.updated_at ? " · stream time " + c.updated_at : "");
        const base = "/api/campaigns/" + enc(name);
        const [tl, mix, alerts, latest, top, amps, links, pics] = await Promise.all([
          api(base + "/timeline"), api(base + "/mix"), api(base + "/alerts"), api(base + "/latest"),
          api(base + "/posts"), api(base + "/amplifiers"), api(base + "/links"),
          api(base + "/pictures?limit=5")]);
        renderRisk(tl); renderMix(mix); renderAlerts(alerts); renderPosts("latest", latest);
        renderPosts("top-posts", top); renderAmplifiers(amps); renderLinks(links); renderPictures(pics);
      }
      state.updates += 1;
      document.body.dataset.updates = String(state.updates);
      state.failed = false;
      showConnection();
    } catch (e) {
      state.failed = true;
      const conn = document.getElementById("conn");
      conn.textContent = "error: " + e.message;
      conn.className = "conn error";
    } finally {
      state.refreshing = false;
      if (state.again) { state.again = false; setTimeout(refresh, 300); }
    }
  }

  // the connection badge: an error shows until the next good refresh, then the stream's state
  function showConnection() {
    if (state.failed) return;
    const conn = document.getElementById("conn");
    conn.textContent = state.stream;
    conn.className = state.stream === "live" ? "conn live" : "conn";
  }

  function mostRecentlyActive(campaigns) {
    let best = null;
    for (const c of campaigns) {
      if (best === null || (c.active_at || "") > (best.active_at || "")) best = c;
    }
    return best ? best.name : null;
  }

  function listen() {
    const events = new EventSource("/events");
    events.onopen = () => { state.stream = "live"; showConnection(); };
    events.onerror = () => { state.stream = "reconnecting…"; showConnection(); };
    events.addEventListener("change", () => refresh());
  }

  document.getElementById("mix-smooth").addEventListener("change", () => {
    if (state.charts.mix && state.mix) state.charts.mix.setData(mixData(state.mix));
  });
  window.__foretold = state;  // read by the browser tests (charts' data); nothing reads it back
  window.addEventListener("hashchange", refresh);
  window.addEventListener("resize", () => {
    for (const [id, c] of Object.entries(state.charts)) c.setSize({ width: chartWidth("chart-" + id), height: c.height });
  });
  refresh();
  listen();
})();
