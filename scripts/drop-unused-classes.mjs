// Takes out of the widget's first load the JS classes a dependency exports to JS that the store
// never uses, and their wasm exports: wasm-streams' IntoUnderlyingSource, IntoUnderlyingSink and
// IntoUnderlyingByteSource come in through Leptos's server-function client (leptos -> server_fn ->
// wasm-streams), which this client-side store does not call. wasm-bindgen writes a class for each
// exported struct, and its exports keep their code alive in the wasm whether or not anything
// calls them: about 4 KB of wasm and 1.7 KB of JS before compression.
//
//   node scripts/drop-unused-classes.mjs GLUE.js WASM Class...
//
// GLUE.js is wasm-bindgen's JS (rewritten in place without the classes); WASM the main module
// after wasm-opt, which must export none of the classes' functions any more (build-widget.sh has
// wasm-opt remove them). Nothing in the glue or the wasm creates these objects (wasm-bindgen would
// import a `__wrap` for that), so nothing can miss them. The script stops the build, leaving the
// files as they are, if the glue is not shaped as wasm-bindgen 0.2 writes it, or if a name is still
// there afterwards: a new wasm-bindgen or wasm-streams must be looked at, not guessed around.
import fs from 'node:fs';

const [glue, wasmFile, ...classes] = process.argv.slice(2);
if (!glue || !wasmFile || classes.length === 0) {
  console.error('usage: node scripts/drop-unused-classes.mjs GLUE.js WASM Class...');
  process.exit(2);
}
const fail = (message) => {
  console.error(`drop-unused-classes: ${message}`);
  process.exit(1);
};

let lines = fs.readFileSync(glue, 'utf8').split('\n');
for (const name of classes) {
  // wasm-bindgen names a class's imports and exports in lower case (`__wbg_intounderlyingsink_new`)
  const named = (l) => l.toLowerCase().includes(name.toLowerCase());
  if (lines.some((l) => /__wrap|_new\b/.test(l) && named(l))) fail(`${glue} creates ${name} objects: it is used`);
  // `export class Name {` … `if (Symbol.dispose) Name.prototype[Symbol.dispose] = …;`
  const start = lines.indexOf(`export class ${name} {`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith(`if (Symbol.dispose) ${name}.prototype`));
  if (start < 0 || end < 0) fail(`${glue} has no class ${name} shaped as wasm-bindgen writes it`);
  lines.splice(start, end - start + 1);
  // `const NameFinalization = (typeof FinalizationRegistry === 'undefined')` and its two lines
  const fin = lines.indexOf(`const ${name}Finalization = (typeof FinalizationRegistry === 'undefined')`);
  if (fin < 0 || !lines[fin + 2]?.trim().endsWith(');')) fail(`${glue} has no ${name}Finalization shaped as wasm-bindgen writes it`);
  lines.splice(fin, 3);
  const left = lines.findIndex(named);
  if (left >= 0) fail(`${glue} still names ${name} at line ${left + 1}: ${lines[left].trim()}`);
}

const exported = WebAssembly.Module.exports(new WebAssembly.Module(fs.readFileSync(wasmFile))).map((e) => e.name);
for (const name of classes) {
  const still = exported.filter((e) => e.toLowerCase().includes(name.toLowerCase()));
  if (still.length) fail(`${wasmFile} still exports ${still.join(', ')}`);
}
fs.writeFileSync(glue, lines.join('\n'));
console.log(`drop-unused-classes: ${classes.join(', ')} taken out of ${glue} and ${wasmFile}`);
