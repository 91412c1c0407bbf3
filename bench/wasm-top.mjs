// What the widget's wasm is made of, by crate: reads the name section of the first-load module of
// the size-profile build before wasm-bindgen and wasm-opt (target/split/split/amigo.wasm, which
// still has function names; pass target/split/split/split_*.wasm for the checkout module) and sums function body sizes per crate, like `twiggy top` grouped
// by crate. wasm-opt -Oz shrinks the code afterwards, so read the shares, not the absolute sizes.
//
//   node bench/wasm-top.mjs [file.wasm] [--crates 20] [--functions 10]

import fs from 'node:fs';
import path from 'node:path';

import { ROOT, fail, intOption } from './lib/common.mjs';

const fileArg = process.argv.slice(2).find((a) => a.endsWith('.wasm'));
// the first-load module of the shipped build (after wasm-split, before wasm-bindgen: names kept)
const file = fileArg || path.join(ROOT, 'target', 'split', 'split', 'amigo.wasm');
if (!fs.existsSync(file)) fail(`${file} is missing: build the widget (scripts/build-widget.sh)`);
const topCrates = intOption('crates', 20);
const topFunctions = intOption('functions', 10);
const data = fs.readFileSync(file);

function leb(i) {
  let r = 0; let s = 0; let x;
  do { x = data[i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
  return [r, i];
}

const SECTION = { 1: 'type', 2: 'import', 3: 'function', 4: 'table', 5: 'memory', 6: 'global', 7: 'export', 9: 'elem', 10: 'code', 11: 'data', 12: 'datacount' };
const sectionSizes = new Map();
const names = new Map();
const bodies = [];
let importedFuncs = 0;
for (let i = 8; i < data.length;) {
  const id = data[i++];
  let size; [size, i] = leb(i);
  const start = i; const end = i + size; i = end;
  let key = SECTION[id] || `section ${id}`;
  if (id === 0) {
    let [nl, j] = leb(start);
    const name = data.subarray(j, j + nl).toString(); j += nl;
    key = `custom "${name}"`;
    if (name === 'name') {
      while (j < end) {
        const sub = data[j++]; let sl; [sl, j] = leb(j); const subEnd = j + sl;
        if (sub === 1) {
          let [count, k] = leb(j);
          for (let n = 0; n < count; n++) {
            let idx, l; [idx, k] = leb(k); [l, k] = leb(k);
            names.set(idx, data.subarray(k, k + l).toString()); k += l;
          }
        }
        j = subEnd;
      }
    }
  } else if (id === 2) {
    let [count, j] = leb(start);
    for (let n = 0; n < count; n++) {
      let l; [l, j] = leb(j); j += l; [l, j] = leb(j); j += l;
      const kind = data[j++];
      if (kind === 0) { [, j] = leb(j); importedFuncs++; }
      else if (kind === 1) { j++; const fl = data[j++]; [, j] = leb(j); if (fl & 1) [, j] = leb(j); }
      else if (kind === 2) { const fl = data[j++]; [, j] = leb(j); if (fl & 1) [, j] = leb(j); }
      else if (kind === 3) j += 2;
    }
  } else if (id === 10) {
    let [count, j] = leb(start);
    for (let n = 0; n < count; n++) {
      const [l, k] = leb(j);
      bodies.push({ index: importedFuncs + n, size: k - j + l });
      j = k + l;
    }
  }
  sectionSizes.set(key, (sectionSizes.get(key) || 0) + size);
}

/** The crate a (legacy or v0) mangled Rust symbol belongs to, best effort. */
function crateOf(sym) {
  if (!sym) return '(no name)';
  const v0 = sym.match(/^_R.*?C[sa]?[0-9A-Za-z]*_(\d+)([A-Za-z_]\w*)/) || sym.match(/^_R.*?C(\d+)([A-Za-z_]\w*)/);
  if (v0) return v0[2].slice(0, Number(v0[1]));
  if (sym.startsWith('_ZN')) {
    const m = sym.slice(3).match(/^(\d+)/);
    if (!m) return sym;
    let seg = sym.slice(3 + m[1].length, 3 + m[1].length + Number(m[1]));
    seg = seg.replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ').replace(/\$RF\$/g, '&')
      .replace(/\$C\$/g, ',').replace(/\$u5b\$/g, '[').replace(/\$u5d\$/g, ']').replace(/\.\./g, '::').replace(/^_/, '');
    if (!seg.startsWith('<')) return seg;
    // `<T as trait_crate::Trait>` → the trait's crate; `<type_crate::Type>` → the type's
    const as = seg.match(/ as ([A-Za-z_]\w*)::/);
    const first = seg.match(/([A-Za-z_]\w*)::/);
    return (as || first || [null, seg])[1];
  }
  return sym.replace(/[^\w:].*$/, '').split('::')[0] || sym;
}

const total = bodies.reduce((s, b) => s + b.size, 0);
const byCrate = new Map();
for (const b of bodies) {
  const c = crateOf(names.get(b.index));
  const e = byCrate.get(c) || { size: 0, count: 0 };
  e.size += b.size; e.count += 1; byCrate.set(c, e);
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
console.log(`${path.relative(ROOT, file)}: ${kib(data.length).trim()}`);
console.log('sections:', [...sectionSizes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${kib(v).trim()}`).join(', '));
console.log(`code by crate (${bodies.length} functions, ${kib(total).trim()}):`);
for (const [c, e] of [...byCrate].sort((a, b) => b[1].size - a[1].size).slice(0, topCrates)) {
  console.log(`  ${kib(e.size)} ${(100 * e.size / total).toFixed(1).padStart(5)} %  ${String(e.count).padStart(5)} fns  ${c}`);
}
console.log('largest functions:');
for (const b of [...bodies].sort((a, b) => b.size - a.size).slice(0, topFunctions)) {
  console.log(`  ${kib(b.size)}  ${(names.get(b.index) || '?').slice(0, 140)}`);
}
