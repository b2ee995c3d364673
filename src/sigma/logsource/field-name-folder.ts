import { windowsFieldNames } from './pipelines/windows-field-names.js';

const listed = new Set(windowsFieldNames);
const byLowerCase = new Map<string, string>();
for (const name of windowsFieldNames) {
  const lower = name.toLowerCase();
  if (!byLowerCase.has(lower)) byLowerCase.set(lower, name);
}

// Logs use a few hundred distinct keys, so a memo turns folding into one Map hit per key. The cap
// keeps hostile input (random keys) from growing it without bound; past it we just compute.
const memo = new Map<string, string>();
const memoLimit = 20_000;

/**
 * The canonical spelling of a Windows field name (`ProcessID` → `ProcessId`,
 * `SourceProcessGUID` → `SourceProcessGuid`); names that are listed, or unknown, stay as given.
 * Spaces are dropped first: Defender names its data `Threat Name`, `Process Name`, and Sigma
 * rules read them as `ThreatName`, `ProcessName`.
 */
export function foldFieldName(key: string): string {
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const name = key.includes(' ') ? key.replaceAll(' ', '') : key;
  const folded = listed.has(name) ? name : (byLowerCase.get(name.toLowerCase()) ?? name);
  if (memo.size < memoLimit) memo.set(key, folded);
  return folded;
}
