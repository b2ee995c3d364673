import type { SigmaLoadError } from './sigma-types.js';

/** `path:line:column` of a load error, as editors open it (parts that are unknown are left out). */
export function loadErrorLocation(e: SigmaLoadError): string {
  return [e.path, e.line, e.line !== undefined ? e.column : undefined].filter((p) => p !== undefined).join(':');
}
