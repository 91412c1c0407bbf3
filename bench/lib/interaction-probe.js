// Injected before the store's scripts for bench/interaction.mjs (after probe.js). Records every
// request to the locations typeahead (`locations.php?search=`): when it started and when its
// body had been read, so the benchmark can subtract the time a keystroke spent waiting on the
// network. gloo-net reads bodies with Response.json()/text(), wrapped here per response.
(() => {
  const calls = (window.__locationCalls = []);
  const original = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : (input && input.url) || String(input);
    if (!/locations\.php/.test(url)) return original.call(this, input, init);
    const call = { url, search: new URL(url, location.href).searchParams.get('search'), start: performance.now(), headers: null, body: null, failed: false };
    calls.push(call);
    return original.call(this, input, init).then((resp) => {
      call.headers = performance.now();
      for (const m of ['json', 'text', 'arrayBuffer']) {
        const read = resp[m].bind(resp);
        resp[m] = () => read().then((v) => { call.body = performance.now(); return v; },
          (e) => { call.body = performance.now(); call.failed = true; throw e; });
      }
      return resp;
    }, (e) => { call.body = performance.now(); call.failed = true; throw e; });
  };
})();
