// NXLog's own severity field is also called EventType; some Security-Datasets sets let it
// overwrite Sysmon's (CreateKey, SetValue…), which decides the registry category.
const nxlogSeverities = new Set(['INFO', 'WARNING', 'ERROR', 'CRITICAL', 'VERBOSE', 'AUDIT_SUCCESS', 'AUDIT_FAILURE']);
const registryEventIds = new Set<unknown>([12, 13, 14, '12', '13', '14']);
const renderedEventType = /(?:^|\n)EventType: (\w+)/;

/**
 * Puts Sysmon's registry `EventType` back from the rendered `Message` of a flat record (Sysmon 12,
 * 13, 14 by the record's own `EventID`, before it is converted) when NXLog overwrote it with its
 * severity or left it out.
 * @param eventId the record's `EventID`, when the caller has it at hand (a read less).
 */
export function recoverSysmonEventType(fields: Record<string, unknown>, eventId: unknown = fields['EventID']): void {
  if (!registryEventIds.has(eventId)) return;
  const type = fields['EventType'];
  const message = fields['Message'];
  if ((type !== undefined && !(typeof type === 'string' && nxlogSeverities.has(type))) || typeof message !== 'string') return;
  const m = renderedEventType.exec(message);
  if (m) fields['EventType'] = m[1];
}
