// Injected before the demo store's own scripts (page.addInitScript). Records, on
// `window.__bench`, when the first visible Naira price (any text "₦" followed by a digit, in the
// light DOM or in any open shadow root), the first product card and the first carousel become
// visible, and the first enabled "Add to cart" button (`button.add`); when the store's host
// element gets `data-amigo-live` (the wasm store has taken over: src/mount.rs sets it); and the
// page's LCP, layout shifts, long tasks
// and first contentful paint. Times are `performance.now()` milliseconds, i.e. from navigation
// start.
//
// The store renders inside an open shadow root, which document-level observers cannot see, so
// `attachShadow` is wrapped to observe every root as it is created, and each check also picks up
// open roots made without it (declarative `<template shadowrootmode="open">`). A DOM change
// schedules one check at the next rendering opportunity (requestAnimationFrame): an element
// counts as visible when it has a box that intersects the viewport at the frame that first paints
// it (and, for the price, is not hidden by `visibility` or `opacity: 0`).
(() => {
  const b = (window.__bench = {
    price: null, priceText: null, card: null, carousel: null, addButton: null, live: null, fcp: null,
    lcp: null, lcpSize: null, lcpTag: null,
    cls: 0, shifts: 0, longtasks: [],
  });
  const observe = (type, fn, extra = {}) => {
    try {
      new PerformanceObserver((list) => list.getEntries().forEach(fn)).observe({ type, buffered: true, ...extra });
    } catch (e) { b[`${type}Error`] = String(e); }
  };
  observe('paint', (e) => { if (e.name === 'first-contentful-paint') b.fcp = e.startTime; });
  observe('largest-contentful-paint', (e) => {
    b.lcp = e.startTime; b.lcpSize = e.size; b.lcpTag = e.element ? e.element.tagName : null;
  });
  observe('layout-shift', (e) => { if (!e.hadRecentInput) { b.cls += e.value; b.shifts += 1; } });
  observe('longtask', (e) => { b.longtasks.push([e.startTime, e.duration]); });

  const roots = [document];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
      r.top < window.innerHeight && r.left < window.innerWidth;
  };
  const find = (selector) => {
    for (const root of roots) for (const el of root.querySelectorAll(selector)) if (visible(el)) return el;
    return null;
  };
  const NAIRA = /\u20a6\s*\d/;
  const textVisible = (node) => {
    const el = node.parentElement;
    if (!el || (el.checkVisibility && !el.checkVisibility({ opacityProperty: true, visibilityProperty: true }))) return false;
    const range = document.createRange();
    range.selectNodeContents(node);
    return [...range.getClientRects()].some((r) => r.width > 0 && r.height > 0 && r.bottom > 0 &&
      r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth);
  };
  const findPrice = () => {
    for (const root of roots) {
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (NAIRA.test(n.data) && textVisible(n)) return n.data.trim();
      }
    }
    return null;
  };
  // open shadow roots not made through attachShadow (declarative shadow DOM)
  const adoptRoots = () => {
    for (const el of document.querySelectorAll('*')) {
      if (el.shadowRoot && !roots.includes(el.shadowRoot)) { roots.push(el.shadowRoot); watch(el.shadowRoot); }
    }
  };
  let pending = false;
  const check = () => {
    pending = false;
    const now = performance.now();
    if (b.price == null) {
      adoptRoots();
      const text = findPrice();
      if (text != null) { b.price = now; b.priceText = text; }
    }
    if (b.card == null && find('article.card')) b.card = now;
    if (b.carousel == null && find('section.carousel:not(.skeleton)')) b.carousel = now;
    if (b.addButton == null && find('button.add:not([disabled])')) b.addButton = now;
  };
  const schedule = () => {
    if (!pending && (b.price == null || b.card == null || b.carousel == null || b.addButton == null)) { pending = true; requestAnimationFrame(check); }
  };
  const watch = (root) => new MutationObserver(schedule).observe(root, { childList: true, subtree: true, attributes: true, characterData: true });
  // the store's host says when the wasm store has taken over (timed at the change itself)
  const live = new MutationObserver(() => {
    if (b.live == null && document.querySelector('[data-amigo-live]')) { b.live = performance.now(); live.disconnect(); }
  });
  const watchLive = () => live.observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['data-amigo-live'] });
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    roots.push(root);
    watch(root);
    return root;
  };
  if (document.documentElement) { watch(document.documentElement); watchLive(); }
  else document.addEventListener('readystatechange', () => { watch(document.documentElement); watchLive(); }, { once: true });
  window.addEventListener('scroll', schedule, { passive: true });
  b.roots = () => roots.slice(1);
})();
