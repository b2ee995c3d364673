const dataElement = /<Data\s+Name\s*=\s*(?:"([^"]*)"|'([^']*)')\s*(?:\/>|>([\s\S]*?)<\/Data>)/g;
const entity = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;
const named: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(entity, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return named[ref] ?? whole;
  });
}

/**
 * Parses an `EventData` that an exporter stored as a string (Azure Monitor / Sentinel): an XML
 * `<EventData><Data Name="…">…</Data>` fragment (Security auditing) or a JSON object (Sysmon).
 * Returns undefined when the text is neither, so the caller keeps the string as it is.
 */
export function parseEmbeddedEventData(text: string): Record<string, unknown> | undefined {
  const start = text.trimStart();
  if (start.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(start);
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  if (!start.startsWith('<')) return undefined;
  const out: Record<string, unknown> = {};
  let found = false;
  for (const m of start.matchAll(dataElement)) {
    out[m[1] ?? m[2] ?? ''] = decodeEntities(m[3] ?? '');
    found = true;
  }
  return found ? out : undefined;
}
