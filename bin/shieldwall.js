#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`).
import('../dist/cli/bin.js').catch((err) => {
  process.stderr.write(`shieldwall: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
