// foretold dashboard panels: coordination (docs/coordination.md) and the language mix.
// Their own block: app.js selects the campaign and counts its refreshes on <body
// data-updates>; each refresh, this fetches the two panels' data for that campaign.
// Every datum is untrusted: the DOM is built with textContent, never innerHTML.
"use strict";
(function () {
  const LANG_COLOURS = ["#0969da", "#cf222e", "#2da44e", "#bf8700", "#8250df", "#e8772e", "#1b7c83", "#57606a", "#8c959f"];
  const LANG_NAMES = { en: "English", fr: "French", es: "Spanish", de: "German", it: "Italian", pt: "Portuguese",
    nl: "Dutch", pl: "Polish", ru: "Russian", tr: "Turkish", ar: "Arabic", zh: "Chinese", ja: "Japanese",
    ko: "Korean", th: "Thai", und: "undetermined", other: "other" };
  let busy = false, again = false, shown = 0;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function pct(x) { return x === null || x === undefined ? "–" : Math.round(100 * x) + "%"; }
  function num(n) { return n === null || n === undefined ? "–" : Number(n).toLocaleString("en"); }
  function safeLang(code) { return /^[a-z]{2,3}$/.test(code) ? code : ""; }
  async function api(path) {
    const r = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!r.ok) throw new Error(path + ": HTTP " + r.status);
    return r.json();
  }

  function renderCoordination(co) {
    const box = clear(document.getElementById("coordination"));
    if (!co.posts) { box.append(el("p", { class: "muted" }, "no posts yet")); return; }
    const named = (co.accounts || []).length > 0;
    box.append(el("p", { class: named ? "co-sentence" : "muted" }, named ? co.sentence + "." :
      "No coordinated activity in the last " + co.minutes + " min (" + num(co.posts) + " posts in their own words read, up to " + co.as_of + ")."));
    box.append(el("div", { class: "co-shares" },
      el("span", {}, el("b", { "data-share": "hostile" }, pct(co.near_copy_hostile_share)), "of hostile posts are coordinated near-copies"),
      el("span", {}, el("b", { "data-share": "posts" }, pct(co.near_copy_share)), "of posts"),
      el("span", {}, el("b", {}, num(co.coordinated_accounts)), "coordinated accounts"),
      el("span", {}, el("b", {}, num(co.young_accounts)), "of them created this month")));
    const tables = el("div", { class: "co-tables" });
    box.append(tables);
    if ((co.clusters || []).length) {
      const t = el("table", { class: "co-clusters" }, el("tr", {}, el("th", {}, "first text"),
        el("th", { class: "num" }, "posts"), el("th", { class: "num" }, "accounts"), el("th", { class: "num" }, "hostile"), el("th", {}, "first seen")));
      for (const c of co.clusters) {
        t.append(el("tr", { class: "cluster" }, el("td", { class: "post-text" }, c.example), el("td", { class: "num" }, num(c.size)),
          el("td", { class: "num" }, num(c.accounts)), el("td", { class: "num" }, num(c.hostile)),
          el("td", { class: "when" }, String(c.first_seen).slice(5, 16).replace("T", " "))));
      }
      tables.append(el("div", {}, el("h3", {}, "Near-copy clusters"), t));
    }
    if (named) {
      const t = el("table", { class: "co-accounts" }, el("tr", {}, el("th", {}, "account"), el("th", {}, "score"), el("th", {}, "drivers")));
      for (const a of co.accounts) {
        t.append(el("tr", { class: "account" }, el("td", {}, "@" + a.handle, a.synchronised ? el("span", { class: "sync-tag" }, " synchronised") : null),
          el("td", { class: "num" }, el("span", { class: "score", style: "width:" + Math.round(40 * Number(a.score)) + "px" }), Number(a.score).toFixed(2)),
          el("td", {}, ...(a.drivers || []).map((d) => el("span", { class: "driver" }, d.replaceAll("_", " "))))));
      }
      tables.append(el("div", {}, el("h3", {}, "Most suspect coordinated accounts"), t));
    }
    for (const g of co.groups || []) {
      box.append(el("p", { class: "group" }, "Synchronised group of " + g.size + ": " + g.accounts.map((h) => "@" + h).join(", ") +
        (g.size > g.accounts.length ? " …" : "")));
    }
  }

  function renderLanguages(data) {
    const box = clear(document.getElementById("languages"));
    if (!data.posts) { box.append(el("p", { class: "muted" }, "no posts yet")); return; }
    const bar = el("div", { class: "lang-bar", role: "img", "aria-label": "language mix" });
    const table = el("table", { class: "lang-table" }, el("tr", {}, el("th", {}, "language"), el("th", { class: "num" }, "posts"), el("th", { class: "num" }, "share")));
    const quotes = el("ul", { class: "lang-quotes" });
    data.languages.forEach((l, i) => {
      const colour = LANG_COLOURS[i % LANG_COLOURS.length];
      bar.append(el("span", { title: l.lang + " " + pct(l.share), style: "width:" + (100 * l.share).toFixed(2) + "%;background:" + colour }));
      table.append(el("tr", { class: "lang", "data-lang": l.lang }, el("td", {}, el("span", { class: "lang-tag", style: "background:" + colour }, l.lang),
        " " + (LANG_NAMES[l.lang] || "")), el("td", { class: "num" }, num(l.posts)), el("td", { class: "num" }, pct(l.share))));
      for (const p of l.examples || []) {
        const code = safeLang(p.lang);
        const q = el("q", code && code !== "und" ? { lang: code } : {}, p.text);
        quotes.append(el("li", { class: "quote", "data-lang": l.lang }, el("span", { class: "lang-tag", style: "background:" + colour }, l.lang), " ", q, " — @" + p.author));
      }
    });
    box.append(bar, table);
    if (quotes.childNodes.length) box.append(el("h3", {}, "In their own words"), quotes);
  }

  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const name = window.__foretold && window.__foretold.campaign;
      if (!name) return;
      const base = "/api/campaigns/" + encodeURIComponent(name);
      const [co, langs] = await Promise.all([api(base + "/coordination"), api(base + "/languages")]);
      if (name !== window.__foretold.campaign) { again = true; return; }
      renderCoordination(co);
      renderLanguages(langs);
      shown += 1;
      document.body.dataset.panels = String(shown);
    } catch (e) {
      for (const id of ["coordination", "languages"]) clear(document.getElementById(id)).append(el("p", { class: "muted" }, "error: " + e.message));
    } finally {
      busy = false;
      if (again) { again = false; setTimeout(refresh, 200); }
    }
  }

  // app.js bumps <body data-updates> after each refresh: follow it
  new MutationObserver(refresh).observe(document.body, { attributes: true, attributeFilter: ["data-updates"] });
  if (document.body.dataset.updates) refresh();
})();
