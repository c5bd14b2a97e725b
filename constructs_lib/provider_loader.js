'use strict';
/**
 * The kernel half of constructs_lib/provider_loader.py: lazy provider indexes in the jsii kernel.
 *
 * Why
 * ---
 * Loading a provider's jsii assembly makes the kernel `require()` the package's `lib/index.js`,
 * which is nothing but `exports.vpc = require("./vpc");` for every resource: 2,212 modules and
 * 267 MB of JavaScript for the AWS provider. Compiling them is most of the ~4 s a process spends
 * loading the three providers, and keeps ~800 MB resident, although a stack uses a few dozen.
 *
 * What
 * ----
 * provider_loader.py loads this file into the kernel (as the main module of a minimal jsii
 * assembly) before the first provider assembly. From then on, when such an index is compiled, each
 * `exports.NAME = require("./path");` line becomes an enumerable getter that requires the submodule
 * on first access and then replaces itself with the value. The kernel finds a type by walking its
 * fqn through the package's exports (`closure.vpc.Vpc`), so it reaches the same classes; only the
 * submodules a stack uses are compiled.
 *
 * Safety
 * ------
 * - Rewrites only `@cdktf/provider-*` packages' `lib/index.js`, and only when every line of the file
 *   is a re-export, a comment, the `__esModule` marker or an `exports.a = ... = void 0;`
 *   declaration; any other statement leaves the file to load as shipped.
 * - Semantics: the same export names, enumerable, with the same values; what changes is when the
 *   submodules (class definitions without side effects) are evaluated. Line numbers are kept.
 *
 * CONSTRUCTS_LIB_NODE_LOADER_REPORT=<file> makes the kernel write, at exit, which indexes were made
 * lazy and how many of their submodules were loaded (tests/test_provider_loader.py reads it).
 */
(function installLazyProviderIndexes() {
  const Module = require('module');
  const originalCompile = Module.prototype._compile;
  if (typeof originalCompile !== 'function') return;

  const INDEX = /[\\/](@cdktf[\\/]provider-[^\\/]+)[\\/]lib[\\/]index\.js$/;
  const IDENTIFIER = '[A-Za-z_$][\\w$]*';
  const SUBMODULE = /^[^\\/]+[\\/]index\.js$/;
  const REEXPORT = new RegExp(`^exports\\.(${IDENTIFIER}) = require\\(("\\./[^"\\\\]+")\\);$`);
  const PASSTHROUGH = [
    /^$/,
    /^"use strict";$/,
    /^\s*\/\*\*?$/,
    /^\s*\*( .*)?$/,
    /^\s*\*\/$/,
    /^\/\/.*$/,
    /^Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);$/,
    new RegExp(`^exports\\.${IDENTIFIER}( = exports\\.${IDENTIFIER})* = void 0;$`),
  ];

  /** @type {Record<string, {reexports: number, loaded: number}>} */
  const report = {};

  function lazyIndex(source, packageName) {
    const lines = source.split(/\r?\n/);
    const out = [];
    let reexports = 0;
    for (const line of lines) {
      const match = REEXPORT.exec(line);
      if (match === null) {
        if (!PASSTHROUGH.some((rule) => rule.test(line))) return null;
        out.push(line);
        continue;
      }
      const [, name, target] = match;
      reexports += 1;
      out.push(
        `Object.defineProperty(exports, "${name}", { enumerable: true, configurable: true, get() {` +
          ` const value = require(${target}); Object.defineProperty(exports, "${name}",` +
          ` { value, enumerable: true, writable: true, configurable: true }); return value; } });`,
      );
    }
    if (reexports === 0) return null;
    report[packageName] = { reexports, loaded: 0 };
    return out.join('\n');
  }

  /** Lazy indexes by their `lib/` directory, to count the submodules compiled below them. */
  const lazyLibs = new Map();

  Module.prototype._compile = function compile(content, filename) {
    const match = INDEX.exec(filename);
    if (match !== null) {
      const packageName = match[1].replace(/\\/g, '/');
      const lazy = lazyIndex(content, packageName);
      if (lazy !== null) {
        lazyLibs.set(filename.slice(0, -'index.js'.length), packageName);
        return originalCompile.call(this, lazy, filename);
      }
    }
    for (const [lib, packageName] of lazyLibs) {
      if (filename.startsWith(lib) && SUBMODULE.test(filename.slice(lib.length))) report[packageName].loaded += 1;
    }
    return originalCompile.call(this, content, filename);
  };

  const reportFile = process.env.CONSTRUCTS_LIB_NODE_LOADER_REPORT;
  if (reportFile) {
    process.on('exit', () => {
      require('fs').writeFileSync(reportFile, JSON.stringify(report, null, 2));
    });
  }
})();
