/**
 * `text` as a RegExp source that matches it literally (every syntax character escaped, `/` too,
 * so the source can also be shown between slashes).
 */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
