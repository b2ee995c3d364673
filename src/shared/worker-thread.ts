import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Starts the worker thread whose entry is the module `name` beside the module at `beside` (the
 * caller's `import.meta.url`). From source (tsx, vitest) the entry is TypeScript and the worker
 * needs the tsx loader, which worker threads do not inherit; from dist it is plain JS.
 * `resourceLimits` sizes the worker's V8 heap.
 *
 * @example
 * const worker = startWorkerThread(import.meta.url, 'detection-worker', { rulePaths });
 */
export function startWorkerThread(beside: string, name: string, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const here = new URL(beside);
  const fromSource = here.pathname.endsWith('.ts');
  const script = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, here);
  const limits = resourceLimits ? { resourceLimits } : {};
  return fromSource ? new Worker(tsxBootstrap(script), { eval: true, workerData, ...limits }) : new Worker(script, { workerData, ...limits });
}

/** Registers the tsx loader in the worker before importing the TypeScript entry. */
function tsxBootstrap(script: URL): string {
  // require.resolve answers the package's CommonJS build; its ESM build sits beside it.
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });`;
}
