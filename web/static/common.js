/* presslens shared helpers: CSRF-aware fetch, DOM building with createElement only, code-point offsets.
 * Article text is hostile: every piece of text goes into the page through textContent. */
"use strict";

const PL = (function () {
  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* JSON API call; resolves to the parsed body, rejects with an Error carrying status and body. */
  async function api(method, url, body) {
    const opts = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (method !== "GET") opts.headers["X-CSRFToken"] = csrfToken();
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const response = await fetch(url, opts);
    let data = null;
    try { data = await response.json(); } catch (e) { data = { ok: false, error: response.statusText }; }
    if (!response.ok) {
      const err = new Error((data && data.error) || ("HTTP " + response.status));
      err.status = response.status;
      err.body = data;
      throw err;
    }
    return data;
  }

  /* el("span", {className: "x", dataset: {pid: "1"}}, "text", childNode) */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "attrs") for (const [a, v] of Object.entries(value)) node.setAttribute(a, v);
      else node[key] = value;
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /* JS strings count UTF-16 units; the server counts code points. */
  function cpLength(str) { let n = 0; for (const _ of str) n++; return n; }
  function cpToUnits(str, cp) {
    let units = 0, n = 0;
    for (const ch of str) { if (n === cp) break; units += ch.length; n++; }
    return units;
  }
  function cpSlice(str, start, end) {
    return str.slice(cpToUnits(str, start), cpToUnits(str, end));
  }

  function msg(key) {
    const node = document.getElementById("js-messages");
    if (!node) return key;
    if (!node._cache) node._cache = JSON.parse(node.textContent);
    return node._cache[key] || key;
  }

  return { api, el, clear, csrfToken, cpLength, cpToUnits, cpSlice, msg };
})();
