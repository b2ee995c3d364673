import { foldFieldName } from './field-name-folder.js';

/**
 * Unwraps an evtx_dump leaf: `{"#text": v, "#attributes": …}` → `v`. Other values stay as they are.
 */
export function leafValue(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const text = (value as Record<string, unknown>)['#text'];
    if (text !== undefined) return text;
  }
  return value;
}

/**
 * The unnamed `<Data>` strings of an event (classic PowerShell 400/600/800) as one text, one
 * string per line: rules read them with `Data|contains`, and matchers compare scalars.
 */
function joinedData(value: unknown): unknown {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number') ? value.join('\n') : value;
}

/** The `Name` attribute of a `<Data>` item in xmltodict (`@Name`) or evtx_dump (`#attributes`) form. */
function dataItemName(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const o = item as Record<string, unknown>;
  const name = o['@Name'] ?? (o['#attributes'] as Record<string, unknown> | undefined)?.['Name'];
  return typeof name === 'string' && name !== '' && name !== '__proto__' ? name : undefined;
}

/**
 * `<Data>` items that carry their name as an attribute (`[{"@Name": "Image", "#text": …}]`)
 * become named fields; the value left for `Data` is the unnamed items, if any.
 */
function copyNamedDataItems(target: Record<string, unknown>, value: unknown, overwrite: boolean): unknown {
  const items = Array.isArray(value) ? value : [value];
  if (!items.some((i) => dataItemName(i) !== undefined)) return value;
  const unnamed: unknown[] = [];
  for (const item of items) {
    const itemName = dataItemName(item);
    if (itemName === undefined) {
      unnamed.push(leafValue(item));
      continue;
    }
    const name = foldFieldName(itemName);
    const text = (item as Record<string, unknown>)['#text'];
    if (overwrite || target[name] === undefined) target[name] = text === undefined ? '' : text;
  }
  return unnamed.length === 0 ? undefined : unnamed.length === 1 ? unnamed[0] : unnamed;
}

/**
 * Copies the named fields of an `EventData`-like object into `target` under their canonical
 * Sigma spelling, skipping XML attributes. An existing value in `target` is kept unless
 * `overwrite` (EventData wins over System fields of the same name only where the caller says).
 */
export function copyEventData(target: Record<string, unknown>, data: unknown, overwrite = true): void {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return;
  for (const key in data as Record<string, unknown>) {
    // `__proto__` as a key would re-parent the fields object (JSON.parse makes it an own key).
    if (key === '#attributes' || key === 'xmlns' || key === '__proto__') continue;
    const name = foldFieldName(key);
    if (!overwrite && target[name] !== undefined) continue;
    if (name !== 'Data') {
      target[name] = leafValue((data as Record<string, unknown>)[key]);
      continue;
    }
    const rest = copyNamedDataItems(target, (data as Record<string, unknown>)[key], overwrite);
    if (rest !== undefined) target[name] = joinedData(leafValue(rest));
  }
}

/**
 * Copies `UserData`: one element (named after the event, e.g. `Operation_ClientFailure`) whose
 * children are the fields. Every element's children are flattened like `EventData`.
 */
export function copyUserData(target: Record<string, unknown>, data: unknown): void {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return;
  for (const key in data as Record<string, unknown>) {
    if (key === '#attributes' || key === '__proto__') continue;
    const element = (data as Record<string, unknown>)[key];
    if (element !== null && typeof element === 'object' && !Array.isArray(element) && !('#text' in element)) copyEventData(target, element, false);
    else target[foldFieldName(key)] = leafValue(element);
  }
}
