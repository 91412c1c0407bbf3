// Injected before the demo store's own scripts (page.addInitScript). Records, on
// `window.__bench`, when the first product card and the first carousel become visible, and the
// page's LCP, layout shifts, long tasks and first contentful paint. Times are
// `performance.now()` milliseconds, i.e. from navigation start.
//
// The store renders inside an open shadow root, which document-level observers cannot see, so
// `attachShadow` is wrapped to observe every root as it is created. A DOM change schedules one
// check at the next rendering opportunity (requestAnimationFrame): an element counts as visible
// when it has a box that intersects the viewport at the frame that first paints it.
(() => {
  const b = (window.__bench = {
    card: null, carousel: null, fcp: null,
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
  let pending = false;
  const check = () => {
    pending = false;
    const now = performance.now();
    if (b.card == null && find('article.card')) b.card = now;
    if (b.carousel == null && find('section.carousel:not(.skeleton)')) b.carousel = now;
  };
  const schedule = () => {
    if (!pending && (b.card == null || b.carousel == null)) { pending = true; requestAnimationFrame(check); }
  };
  const watch = (root) => new MutationObserver(schedule).observe(root, { childList: true, subtree: true, attributes: true });
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    roots.push(root);
    watch(root);
    return root;
  };
  if (document.documentElement) watch(document.documentElement);
  else document.addEventListener('readystatechange', () => watch(document.documentElement), { once: true });
  window.addEventListener('scroll', schedule, { passive: true });
  b.roots = () => roots.slice(1);
})();
