/* Flowdeck card bridge. Injected as the first script of every card page
 * served at /card/{key} for the original view, where the page runs in
 * <iframe sandbox="allow-scripts"> with a no-network CSP. It talks to the
 * parent (the Flowdeck page) by postMessage only:
 *
 *   frame -> parent  {source:"flowdeck-card", v:1, type:"ready", token, updatable, height}
 *                    {source:"flowdeck-card", v:1, type:"size", height}
 *                    {source:"flowdeck-card", v:1, type:"settled", seq, outcome, token, dataToken[, error]}
 *                    {source:"flowdeck-card", v:1, type:"reload", seq, token, dataToken}
 *   parent -> frame  {source:"flowdeck-host", v:1, type:"data", seq, payload:{reload_token, data, created_on}}
 *
 * Rules (docs/format.md §12): data whose token equals the page's
 * METAFLOW_RELOAD_TOKEN goes to metaflow_card_update(data); a "final" data
 * token while the page is still a runtime render is applied in place too;
 * a final page ignores older data; any other token mismatch asks the parent
 * to reload the frame. The card can read and break this script (it shares
 * the page); that only breaks its own view. The parent trusts nothing it
 * says beyond sizes and tokens. */
(function () {
  "use strict";
  var win = window;
  var host = win.parent;
  if (!host || host === win) return;
  var doc = document;
  var OUT = "flowdeck-card";
  var IN = "flowdeck-host";
  var ready = false;
  var pending = null;
  var lastHeight = -1;
  var sizeQueued = false;

  function send(type, fields) {
    var m = { source: OUT, v: 1, type: type };
    if (fields) {
      for (var k in fields) {
        if (Object.prototype.hasOwnProperty.call(fields, k)) m[k] = fields[k];
      }
    }
    try {
      host.postMessage(m, "*");
    } catch (e) {
      /* nothing to do */
    }
  }

  function token() {
    var t;
    try {
      t = win.METAFLOW_RELOAD_TOKEN;
    } catch (e) {
      t = undefined;
    }
    return typeof t === "string" ? t : null;
  }

  function updater() {
    var f;
    try {
      f = win.metaflow_card_update;
    } catch (e) {
      f = undefined;
    }
    return typeof f === "function" ? f : null;
  }

  // The content's height, not the frame's: the root element's box (auto
  // height in standards mode) and the body's overflow.
  function height() {
    var h = 0;
    var de = doc.documentElement;
    var b = doc.body;
    try {
      if (de) h = Math.max(h, de.getBoundingClientRect().height);
      if (b) {
        var cs = win.getComputedStyle(b);
        var mb = parseFloat(cs.marginBottom) || 0;
        var top = win.pageYOffset || 0;
        h = Math.max(h, b.getBoundingClientRect().bottom + top + mb, b.scrollHeight);
      }
    } catch (e) {
      /* keep what we have */
    }
    return Math.ceil(h);
  }

  function reportSize() {
    sizeQueued = false;
    var h = height();
    if (h !== lastHeight) {
      lastHeight = h;
      if (ready) send("size", { height: h });
    }
  }

  // A timer, not requestAnimationFrame: browsers pause animation frames in
  // hidden frames (the next page loads hidden) and throttle them offscreen.
  function queueSize() {
    if (sizeQueued) return;
    sizeQueued = true;
    win.setTimeout(reportSize, 16);
  }

  function apply(m) {
    var p = m.payload;
    var seq = typeof m.seq === "number" ? m.seq : 0;
    if (!p || typeof p !== "object") return;
    var dt = typeof p.reload_token === "string" ? p.reload_token : null;
    var ht = token();
    var fn = updater();
    var base = { seq: seq, token: ht, dataToken: dt };
    var inPlace = dt !== null && ht !== null && (dt === ht || (dt === "final" && ht !== "final"));
    if (inPlace) {
      if (!fn) {
        base.outcome = "static";
        send("settled", base);
        return;
      }
      try {
        fn(p.data);
      } catch (err) {
        base.outcome = "error";
        base.error = String((err && err.message) || err).slice(0, 200);
        send("settled", base);
        return;
      }
      base.outcome = "applied";
      send("settled", base);
      queueSize();
      return;
    }
    if (dt === null || ht === null || ht === "final") {
      // Nothing to match, or a final page: older data never replaces it.
      base.outcome = "ignored";
      send("settled", base);
      return;
    }
    send("reload", base);
  }

  win.addEventListener("message", function (e) {
    if (e.source !== host) return;
    var m = e.data;
    if (!m || typeof m !== "object" || m.source !== IN || m.v !== 1) return;
    if (m.type === "data") {
      if (ready) apply(m);
      else pending = m;
    }
  });

  function onReady() {
    if (ready) return;
    ready = true;
    lastHeight = height();
    send("ready", { token: token(), updatable: !!updater(), height: lastHeight });
    if (pending) {
      var m = pending;
      pending = null;
      apply(m);
    }
    if (typeof win.ResizeObserver === "function") {
      try {
        var ro = new win.ResizeObserver(queueSize);
        ro.observe(doc.documentElement);
        if (doc.body) ro.observe(doc.body);
      } catch (e) {
        /* fall back to the events below */
      }
    }
    win.addEventListener("load", queueSize);
    win.addEventListener("resize", queueSize);
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", onReady);
  else win.setTimeout(onReady, 0);
})();
