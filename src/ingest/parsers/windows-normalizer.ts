import { assignDefined, baseName, toInt, toPort, toText, toTransport, type EcsFields } from './ecs-fields.js';
import { childRecord } from './json-record.js';
import type { NormalizedEvent } from './normalized-event.js';
import { fail, ok, type ParseResult } from './parse-result.js';
import { detectWindowsLayout, windowsView, type WindowsView } from './windows-layout.js';

/** ECS category/type for the common Sysmon and Security event ids. */
const sysmonKinds: Readonly<Record<number, [string[], string[]]>> = {
  1: [['process'], ['start']], 3: [['network'], ['connection']], 5: [['process'], ['end']],
  7: [['process'], ['change']], 8: [['process'], ['change']], 10: [['process'], ['access']],
  11: [['file'], ['creation']], 12: [['registry'], ['change']], 13: [['registry'], ['change']], 14: [['registry'], ['change']],
  15: [['file'], ['creation']], 22: [['network'], ['protocol']], 23: [['file'], ['deletion']], 26: [['file'], ['deletion']],
};
const securityKinds: Readonly<Record<number, [string[], string[]]>> = {
  4624: [['authentication'], ['start']], 4625: [['authentication'], ['start']], 4634: [['authentication'], ['end']],
  4648: [['authentication'], ['start']], 4688: [['process'], ['start']], 4689: [['process'], ['end']],
  4720: [['iam'], ['user', 'creation']], 4726: [['iam'], ['user', 'deletion']], 5156: [['network'], ['connection', 'allowed']],
};

/**
 * Normalizes a Windows event, in any layout {@link detectWindowsLayout} knows, to the ECS side
 * only: `@timestamp`, `event.code`/`provider`/`module`, `host.name`, `user.*`, `process.*`
 * (Sysmon `Image`/`ProcessId`, Security 4688 `NewProcessName`/hex `NewProcessId`), `source.*`/
 * `destination.*`, `dns.question.name`, `file.*` with hashes, `registry.path`, `winlog.*`.
 * Field names in the data are matched case-insensitively (Security-Datasets mixes `ProcessId`
 * and `ProcessID`). Sigma field mapping and logsource are not done here; they belong to
 * `src/sigma/` and the pipeline. `receivedAt` dates events that carry no readable time.
 */
export function normalizeWindows(obj: Record<string, unknown>, receivedAt: number): ParseResult<NormalizedEvent> {
  const layout = detectWindowsLayout(obj);
  if (layout === undefined) {
    return fail('WINDOWS_BAD_EVENT', 'not a Windows event: expected Event.System, winlog, event_id, or EventID with Channel/SourceName/Hostname', { field: 'EventID' });
  }
  const v = windowsView(obj, layout);
  if (v.eventId === undefined) {
    return fail('WINDOWS_BAD_EVENT', `Windows event (${layout} layout) has no integer event id`, { field: layout === 'evtx' ? 'Event.System.EventID' : layout === 'flat' || layout === 'azure' ? 'EventID' : 'event_id' });
  }
  const time = v.time ?? receivedAt;
  const ecs = windowsEcs(v, v.eventId, time);
  if (layout === 'winlogbeat6') {
    const user = childRecord(obj, 'user');
    if (ecs['user.name'] === undefined) assignDefined(ecs, { 'user.name': toText(user?.['name']), 'user.domain': toText(user?.['domain']) });
  }
  const event: NormalizedEvent = { time, sourceFormat: 'windows', raw: obj, ecs };
  if (v.message !== undefined) event.message = v.message;
  return ok(event);
}

function windowsEcs(v: WindowsView, eventId: number, time: number): EcsFields {
  const d = (...names: string[]): string | undefined => {
    for (const n of names) {
      const t = toText(v.data.get(n));
      if (t !== undefined) return t;
    }
    return undefined;
  };
  const provider = v.provider ?? '';
  const isSysmon = /sysmon/i.test(provider) || /sysmon/i.test(v.channel ?? '');
  const isSecurity = /security-auditing/i.test(provider) || v.channel?.toLowerCase() === 'security';
  const module = isSysmon ? 'sysmon' : isSecurity ? 'security' : /powershell/i.test(provider) ? 'powershell' : 'windows';
  const kinds = isSysmon ? sysmonKinds[eventId] : isSecurity ? securityKinds[eventId] : undefined;
  // Security 4688 names the new process New*, and its ProcessId/ParentProcessName is the creator.
  const is4688 = isSecurity && eventId === 4688;
  const executable = is4688 ? d('newprocessname') : d('image', 'processname');
  const parentExecutable = is4688 ? d('parentprocessname') : d('parentimage');
  const [userDomain, userName] = splitUser(d('user')) ?? accountOf(d);
  const filePath = d('targetfilename', 'imageloaded');
  const ecs: EcsFields = assignDefined({}, {
    '@timestamp': new Date(time).toISOString(),
    message: v.message,
    'event.kind': 'event',
    'event.category': kinds?.[0],
    'event.type': kinds?.[1],
    'event.code': String(eventId),
    'event.provider': v.provider,
    'event.module': module,
    'event.outcome': isSecurity && eventId === 4624 ? 'success' : isSecurity && eventId === 4625 ? 'failure' : undefined,
    'host.name': v.computer,
    'winlog.channel': v.channel,
    'winlog.event_id': String(eventId),
    'winlog.record_id': v.recordId,
    'winlog.provider_name': v.provider,
    'user.name': userName,
    'user.domain': userDomain,
    'process.pid': toInt(v.data.get(is4688 ? 'newprocessid' : 'processid')),
    'process.executable': executable,
    'process.name': executable === undefined ? undefined : baseName(executable),
    'process.command_line': d('commandline'),
    'process.parent.pid': toInt(v.data.get(is4688 ? 'processid' : 'parentprocessid')),
    'process.parent.executable': parentExecutable,
    'process.parent.name': parentExecutable === undefined ? undefined : baseName(parentExecutable),
    'process.parent.command_line': d('parentcommandline'),
    'source.ip': d('sourceip', 'ipaddress', 'sourceaddress'),
    'source.port': toPort(v.data.get('sourceport') ?? v.data.get('ipport')),
    'destination.ip': d('destinationip', 'destaddress'),
    'destination.port': toPort(v.data.get('destinationport') ?? v.data.get('destport')),
    'destination.domain': d('destinationhostname'),
    'network.transport': toTransport(v.data.get('protocol')),
    'dns.question.name': d('queryname'),
    'file.path': filePath,
    'file.name': filePath === undefined ? undefined : baseName(filePath),
    'registry.path': d('targetobject'),
  });
  if (ecs['source.ip'] === '-') delete ecs['source.ip'];
  const hashes = d('hashes', 'hash');
  if (hashes !== undefined) assignHashes(hashes, eventId === 1 && isSysmon ? 'process' : 'file', ecs);
  return ecs;
}

/** Security events name Target, then Subject accounts; NXLog adds the record's AccountName/Domain. */
const accountFields: readonly (readonly [string, string])[] = [
  ['targetusername', 'targetdomainname'], ['subjectusername', 'subjectdomainname'], ['accountname', 'domain'],
];

/** The first account that has a name, with the domain of the same account. */
function accountOf(d: (...names: string[]) => string | undefined): [string | undefined, string | undefined] {
  for (const [name, domain] of accountFields) {
    const n = d(name);
    if (n !== undefined) return [d(domain), n];
  }
  return [undefined, undefined];
}

/** Sysmon `User` is `DOMAIN\name`. */
function splitUser(user: string | undefined): [string | undefined, string] | undefined {
  if (user === undefined) return undefined;
  const i = user.indexOf('\\');
  return i < 0 ? [undefined, user] : [user.slice(0, i), user.slice(i + 1)];
}

/** `SHA1=…,MD5=…,SHA256=…,IMPHASH=…` (Sysmon) into `<prefix>.hash.*`, lower-cased as ECS shows. */
function assignHashes(text: string, prefix: 'process' | 'file', ecs: EcsFields): void {
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const algo = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim().toLowerCase();
    if (algo === 'md5' || algo === 'sha1' || algo === 'sha256') ecs[`${prefix}.hash.${algo}`] = value;
  }
}
