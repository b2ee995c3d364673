/** The event-data fields the Windows normaliser reads, by lower-cased name. */
const fieldNames = [
  // System fields of the flat (NXLog / Security-Datasets) layout, which keeps them beside the data.
  'channel', 'sourcename', 'providername', 'hostname', 'computer', 'recordnumber', 'message',
  'image', 'processname', 'newprocessname', 'parentprocessname', 'parentimage', 'user',
  'targetusername', 'targetdomainname', 'subjectusername', 'subjectdomainname', 'accountname', 'domain',
  'targetfilename', 'imageloaded', 'processid', 'newprocessid', 'parentprocessid', 'commandline',
  'parentcommandline', 'sourceip', 'ipaddress', 'sourceaddress', 'sourceport', 'ipport', 'destinationip',
  'destaddress', 'destinationport', 'destport', 'destinationhostname', 'protocol', 'queryname', 'targetobject',
  'hashes', 'hash',
] as const;

/** A lower-cased event-data field name {@link WindowsData} can answer. */
export type WindowsDataField = (typeof fieldNames)[number];

const slotOf = new Map<string, number>(fieldNames.map((name, i) => [name, i]));
/** Raw key → slot (-1: not read), so each spelling is lower-cased once per process, not per event. */
const keySlots = new Map<string, number>();
// Keys come from senders: past this many spellings, new ones are lower-cased per event instead.
const maxCachedKeys = 20_000;

/**
 * The event data of a Windows event, read case-insensitively (Security-Datasets mixes `ProcessId`
 * and `ProcessID`). Built in one pass over the keys that keeps only the fields the normaliser
 * reads, instead of a lower-cased copy of every key: most of an event's keys are never read. When
 * two keys differ only in case, the last one wins, as with a lower-cased map.
 */
export class WindowsData {
  private readonly values: unknown[] = new Array<unknown>(fieldNames.length);

  constructor(data: Record<string, unknown>) {
    for (const key in data) {
      let slot = keySlots.get(key);
      if (slot === undefined) {
        slot = slotOf.get(key.toLowerCase()) ?? -1;
        if (keySlots.size < maxCachedKeys) keySlots.set(key, slot);
      }
      if (slot >= 0) this.values[slot] = data[key];
    }
  }

  /** The value of the field named `name` in any case, or undefined. */
  get(name: WindowsDataField): unknown {
    return this.values[slotOf.get(name)!];
  }
}
