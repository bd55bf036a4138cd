// The `typescript` package, for keydrift's ES modules (imported as `#typescript`).
//
// Two costs are avoided here. Importing typescript.js straight from ESM makes Node scan its
// 9 MB of source for named exports on every start (~0.3 s); only this file is scanned, and it is
// written so that the scan does not follow the require. And every export of typescript.js is a
// getter (its bundler's live bindings), which `ts.SyntaxKind.X` and `ts.isX(node)` in the walks
// call millions of times; a copy with plain properties reads them once.
const ts = require('typescript');
module.exports = Object.assign({}, ts);
