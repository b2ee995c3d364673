import { copyEventData, copyUserData } from './copy-event-data.js';

// `Provider` + `Name` → `Provider_Name`, remembered: a concatenated key is a new string that each
// store had to look up in V8's string table. Capped like foldFieldName's memo (hostile input).
const attributeFields = new Map<string, Map<string, string>>();
let attributeFieldCount = 0;

function attributeField(element: string, attribute: string): string {
  let byAttribute = attributeFields.get(element);
  const known = byAttribute?.get(attribute);
  if (known !== undefined) return known;
  const name = `${element}_${attribute}`;
  if (attributeFieldCount < 10_000) {
    if (byAttribute === undefined) attributeFields.set(element, (byAttribute = new Map()));
    byAttribute.set(attribute, name);
    attributeFieldCount++;
  }
  return name;
}

/**
 * Flattens the evtx_dump layout `{Event:{System, EventData|UserData}}` (the regression `.json`
 * files, and what the hunt reader makes of rendered `.evtx` records) into Sigma fields.
 *
 * System leaves keep their names (`EventID`, `Channel`, `Computer`…); System elements with XML
 * attributes become `<Element>_<attribute>` (`Provider_Name`, `TimeCreated_SystemTime`,
 * `Execution_ProcessID`, `Security_UserID`), the names Sigma rules and converters use. Attributes
 * may be under `#attributes` (evtx_dump) or `@`-prefixed keys (xmltodict, as python-evtx exports
 * write them, with `<Data Name="X">` as `{"@Name": "X", "#text": …}` items).
 * EventData fields are copied by name; UserData's inner element is flattened the same way.
 */
export function flattenEvtxEvent(event: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const system = event['System'];
  if (system !== null && typeof system === 'object') {
    for (const key in system as Record<string, unknown>) {
      if (key === '__proto__') continue;
      const value = (system as Record<string, unknown>)[key];
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        if (value !== null) fields[key] = value;
        continue;
      }
      const element = value as Record<string, unknown>;
      if (element['#text'] !== undefined) fields[key] = element['#text'];
      const attributes = element['#attributes'];
      if (attributes !== null && typeof attributes === 'object') {
        for (const name in attributes as Record<string, unknown>) fields[attributeField(key, name)] = (attributes as Record<string, unknown>)[name];
      }
      // xmltodict (python-evtx exports) writes attributes as `@Name` keys of the element.
      for (const name in element) if (name.startsWith('@')) fields[attributeField(key, name.slice(1))] = element[name];
    }
  }
  // Where an EventData name collides with a System leaf, the data wins: rules about the event's
  // content read it.
  const data = event['EventData'];
  if (data !== null && typeof data === 'object') copyEventData(fields, data);
  else if (typeof data === 'string' && data !== '') fields['Data'] = data;
  copyUserData(fields, event['UserData']);
  return fields;
}
