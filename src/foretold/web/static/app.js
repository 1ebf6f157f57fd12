// foretold dashboard: fetches /api/..., listens to /events, builds the DOM with textContent.
// Post text and every other datum are untrusted: never innerHTML, never a URL that is not http(s).
"use strict";
(function () {
  const LEVEL_COLOURS = { watch: "#d4a72c", warning: "#e8772e", crisis: "#cf222e", all_clear: "#2da44e", none: "#8c959f" };
  const PHASE_COLOURS = { quiet: "rgba(140,149,159,0.06)", weak_signals: "rgba(212,167,44,0.10)",
    negative_turn: "rgba(232,119,46,0.10)", escalation: "rgba(232,119,46,0.18)",
    takeover: "rgba(207,34,46,0.16)", press_pickup: "rgba(130,80,223,0.16)", decay: "rgba(45,164,78,0.10)" };
  const state = { campaign: null, charts: {}, timeline: null, refreshing: false, again: false, updates: 0 };

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

  function renderCampaigns(list) {
    const ul = clear(document.getElementById("campaign-list"));
    for (const c of list) {
      const li = el("li", { dataset: { campaign: c.name } }, el("span", {}, c.name), levelBadge(c.level));
      if (c.name === state.campaign) li.classList.add("selected");
      li.addEventListener("click", () => { location.hash = enc(c.name); });
      ul.append(li);
    }
  }

  function post(p) {
    const flags = (p.flags || []).map((f) => el("span", { class: "flag" }, f));
    return el("li", { class: "post", dataset: { id: p.id } },
      el("div", { class: "post-text" }, p.text),
      el("div", { class: "post-meta" }, "@" + p.author + " · " + num(p.followers) + " followers · " +
        p.created_at + " · " + p.kind + " · engagement " + num(p.engagement) +
        (p.sentiment ? " · " + p.sentiment : "") + " ", ...flags));
  }

  function renderPosts(id, posts) {
    const ol = clear(document.getElementById(id));
    for (const p of posts) ol.append(post(p));
    if (!posts.length) ol.append(el("li", {}, "none yet"));
  }

  function renderAlerts(alerts) {
    const ol = clear(document.getElementById("alerts"));
    for (const a of alerts) {
      const ev = a.evidence || {};
      const evidence = el("div", { class: "evidence" });
      if ((a.signals || []).length) evidence.append(el("div", {}, "signals: " + a.signals.join(", ")));
      if ((ev.authors || []).length) evidence.append(el("div", {}, "people: " + ev.authors.join(", ")));
      if ((ev.links || []).length) {
        const ul = el("ul", {});
        for (const u of ev.links) ul.append(el("li", {}, safeLink(u)));
        evidence.append(el("div", {}, "links:"), ul);
      }
      if ((a.evidence_posts || []).length) {
        const ul = el("ul", {});
        for (const p of a.evidence_posts) ul.append(el("li", {}, el("span", { class: "post-text" }, p.text), " — @" + p.author));
        evidence.append(el("div", {}, "posts:"), ul);
      }
      const m = ev.metrics || {};
      const keys = Object.keys(m).slice(0, 8);
      if (keys.length) evidence.append(el("div", {}, keys.map((k) => k + " " + m[k]).join(" · ")));
      ol.append(el("li", { class: "alert", dataset: { id: a.id, level: a.level } },
        levelBadge(a.level), " ", el("span", { class: "post-meta" }, a.at), " ",
        el("div", { class: "summary" }, a.summary), evidence));
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
    tl.phases.forEach((p, i) => {
      const next = i + 1 < tl.phases.length ? tl.phases[i + 1].t : end;
      const x0 = Math.max(0, u.valToPos(p.t, "x"));
      const x1 = Math.min(width, u.valToPos(next, "x"));
      if (x1 <= x0) return;
      phases.append(el("span", { class: "phase", title: p.phase + " from " + p.at, dataset: { phase: p.phase },
        style: "left:" + (left + x0) + "px;width:" + (x1 - x0) + "px" }, p.phase.replace("_", " ")));
    });
  }

  function drawCanvasOverlays(u) {
    const tl = state.timeline;
    if (!tl) return;
    const ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
    ctx.save();
    const end = u.scales.x.max;
    tl.phases.forEach((p, i) => {
      const next = i + 1 < tl.phases.length ? tl.phases[i + 1].t : end;
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

  function chartWidth(id) { return Math.max(300, document.getElementById(id).clientWidth || 800); }

  function renderRisk(tl) {
    state.timeline = tl;
    const s = tl.series;
    const data = [s.t, s.posts, s.risk];
    if (state.charts.risk) { state.charts.risk.setData(data); return; }
    const opts = {
      width: chartWidth("chart-risk"), height: 260,
      scales: { x: { time: true }, risk: { range: [0, 1] } },
      series: [{}, { label: "posts / 15 min", stroke: "#57606a", fill: "rgba(87,96,106,0.12)", width: 1 },
        { label: "hijack risk", stroke: "#cf222e", width: 2, scale: "risk", value: (u, v) => v === null ? "–" : v.toFixed(2) }],
      axes: [{}, { label: "posts" }, { scale: "risk", side: 1, label: "hijack risk", grid: { show: false } }],
      hooks: { draw: [drawCanvasOverlays, drawOverlays] },
    };
    state.charts.risk = new uPlot(opts, data, document.getElementById("chart-risk"));
  }

  function renderMix(mix) {
    const s = mix.series;
    const data = [s.t, s.hostile, s.negative, s.ironic, s.offensive, s.positive];
    if (state.charts.mix) { state.charts.mix.setData(data); return; }
    const share = (u, v) => pct(v);
    const opts = {
      width: chartWidth("chart-mix"), height: 220,
      scales: { x: { time: true }, y: { range: [0, 1] } },
      series: [{}, { label: "hostile", stroke: "#cf222e", width: 2, value: share },
        { label: "negative", stroke: "#e8772e", value: share }, { label: "ironic", stroke: "#8250df", value: share },
        { label: "offensive", stroke: "#6e7781", value: share }, { label: "positive", stroke: "#2da44e", value: share }],
      axes: [{}, { values: (u, vals) => vals.map((v) => Math.round(v * 100) + "%") }],
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
      const name = campaigns.some((c) => c.name === wanted) ? wanted : (campaigns[0] ? campaigns[0].name : null);
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
        const [tl, mix, alerts, latest, top, amps, links] = await Promise.all([
          api(base + "/timeline"), api(base + "/mix"), api(base + "/alerts"), api(base + "/latest"),
          api(base + "/posts"), api(base + "/amplifiers"), api(base + "/links")]);
        renderRisk(tl); renderMix(mix); renderAlerts(alerts); renderPosts("latest", latest);
        renderPosts("top-posts", top); renderAmplifiers(amps); renderLinks(links);
      }
      state.updates += 1;
      document.body.dataset.updates = String(state.updates);
    } catch (e) {
      document.getElementById("conn").textContent = "error: " + e.message;
    } finally {
      state.refreshing = false;
      if (state.again) { state.again = false; setTimeout(refresh, 300); }
    }
  }

  function listen() {
    const conn = document.getElementById("conn");
    const events = new EventSource("/events");
    events.onopen = () => { conn.textContent = "live"; conn.className = "conn live"; };
    events.onerror = () => { conn.textContent = "reconnecting…"; conn.className = "conn"; };
    events.addEventListener("change", () => refresh());
  }

  window.addEventListener("hashchange", refresh);
  window.addEventListener("resize", () => {
    for (const [id, c] of Object.entries(state.charts)) c.setSize({ width: chartWidth("chart-" + id), height: c.height });
  });
  refresh();
  listen();
})();
