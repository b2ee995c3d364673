import { assignDefined, baseName, toInt, toPort, toText, toTransport, type EcsFields } from './ecs-fields.js';
import { childRecord } from './json-record.js';
import type { NormalizedEvent } from './normalized-event.js';
import { fail, ok, type ParseResult } from './parse-result.js';
import type { WindowsData, WindowsDataField } from './windows-data.js';
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
  const data = v.data;
  const provider = v.provider ?? '';
  const isSysmon = /sysmon/i.test(provider) || /sysmon/i.test(v.channel ?? '');
  const isSecurity = /security-auditing/i.test(provider) || v.channel?.toLowerCase() === 'security';
  const module = isSysmon ? 'sysmon' : isSecurity ? 'security' : /powershell/i.test(provider) ? 'powershell' : 'windows';
  const kinds = isSysmon ? sysmonKinds[eventId] : isSecurity ? securityKinds[eventId] : undefined;
  // Security 4688 names the new process New*, and its ProcessId/ParentProcessName is the creator.
  const is4688 = isSecurity && eventId === 4688;
  const executable = is4688 ? text(data, 'newprocessname') : text(data, 'image', 'processname');
  const parentExecutable = is4688 ? text(data, 'parentprocessname') : text(data, 'parentimage');
  const [userDomain, userName] = splitUser(text(data, 'user')) ?? accountOf(data);
  const filePath = text(data, 'targetfilename', 'imageloaded');
  const code = String(eventId);
  // Set one by one, skipping undefined, instead of assignDefined over a literal of every field:
  // this runs once per Windows event, and the literal was a second object as large as the result.
  // The order is the ECS JSON's key order, which the stored form shows.
  // A dictionary from the start (V8 makes a null-prototype object one): each event type sets
  // another subset of these keys, and as a fast object every subset was another hidden class, so
  // the optimised code of this function was thrown away ("wrong map") and compiled again ~15 times
  // during a bench:pipeline run, 0.6 s of compiler threads' CPU. Nothing here needs a prototype.
  // Alone, over the same lines again and again (bench:parsers), it costs ~0.7 µs more per event;
  // end to end, where new event types keep arriving, the node spent 1–2 µs less (benchmarks.md).
  const ecs = Object.create(null) as EcsFields;
  ecs['@timestamp'] = new Date(time).toISOString();
  if (v.message !== undefined) ecs.message = v.message;
  ecs['event.kind'] = 'event';
  if (kinds !== undefined) {
    ecs['event.category'] = kinds[0];
    ecs['event.type'] = kinds[1];
  }
  ecs['event.code'] = code;
  if (v.provider !== undefined) ecs['event.provider'] = v.provider;
  ecs['event.module'] = module;
  if (isSecurity && eventId === 4624) ecs['event.outcome'] = 'success';
  else if (isSecurity && eventId === 4625) ecs['event.outcome'] = 'failure';
  if (v.computer !== undefined) ecs['host.name'] = v.computer;
  if (v.channel !== undefined) ecs['winlog.channel'] = v.channel;
  ecs['winlog.event_id'] = code;
  if (v.recordId !== undefined) ecs['winlog.record_id'] = v.recordId;
  if (v.provider !== undefined) ecs['winlog.provider_name'] = v.provider;
  if (userName !== undefined) ecs['user.name'] = userName;
  if (userDomain !== undefined) ecs['user.domain'] = userDomain;
  const pid = toInt(data.get(is4688 ? 'newprocessid' : 'processid'));
  if (pid !== undefined) ecs['process.pid'] = pid;
  if (executable !== undefined) {
    ecs['process.executable'] = executable;
    ecs['process.name'] = baseName(executable);
  }
  const commandLine = text(data, 'commandline');
  if (commandLine !== undefined) ecs['process.command_line'] = commandLine;
  const parentPid = toInt(data.get(is4688 ? 'processid' : 'parentprocessid'));
  if (parentPid !== undefined) ecs['process.parent.pid'] = parentPid;
  if (parentExecutable !== undefined) {
    ecs['process.parent.executable'] = parentExecutable;
    ecs['process.parent.name'] = baseName(parentExecutable);
  }
  const parentCommandLine = text(data, 'parentcommandline');
  if (parentCommandLine !== undefined) ecs['process.parent.command_line'] = parentCommandLine;
  const sourceIp = text(data, 'sourceip', 'ipaddress', 'sourceaddress');
  if (sourceIp !== undefined && sourceIp !== '-') ecs['source.ip'] = sourceIp;
  const sourcePort = toPort(data.get('sourceport') ?? data.get('ipport'));
  if (sourcePort !== undefined) ecs['source.port'] = sourcePort;
  const destinationIp = text(data, 'destinationip', 'destaddress');
  if (destinationIp !== undefined) ecs['destination.ip'] = destinationIp;
  const destinationPort = toPort(data.get('destinationport') ?? data.get('destport'));
  if (destinationPort !== undefined) ecs['destination.port'] = destinationPort;
  const destinationDomain = text(data, 'destinationhostname');
  if (destinationDomain !== undefined) ecs['destination.domain'] = destinationDomain;
  const transport = toTransport(data.get('protocol'));
  if (transport !== undefined) ecs['network.transport'] = transport;
  const query = text(data, 'queryname');
  if (query !== undefined) ecs['dns.question.name'] = query;
  if (filePath !== undefined) {
    ecs['file.path'] = filePath;
    ecs['file.name'] = baseName(filePath);
  }
  const registryPath = text(data, 'targetobject');
  if (registryPath !== undefined) ecs['registry.path'] = registryPath;
  const hashes = text(data, 'hashes', 'hash');
  if (hashes !== undefined) assignHashes(hashes, eventId === 1 && isSysmon ? 'process' : 'file', ecs);
  return ecs;
}

/** The first of the named fields that has a text value (fixed arity: no rest array per call). */
function text(data: WindowsData, a: WindowsDataField, b?: WindowsDataField, c?: WindowsDataField): string | undefined {
  return toText(data.get(a)) ?? (b === undefined ? undefined : toText(data.get(b)) ?? (c === undefined ? undefined : toText(data.get(c))));
}

/** Security events name Target, then Subject accounts; NXLog adds the record's AccountName/Domain. */
const accountFields: readonly (readonly [WindowsDataField, WindowsDataField])[] = [
  ['targetusername', 'targetdomainname'], ['subjectusername', 'subjectdomainname'], ['accountname', 'domain'],
];

/** The first account that has a name, with the domain of the same account. */
function accountOf(data: WindowsData): [string | undefined, string | undefined] {
  for (const [name, domain] of accountFields) {
    const n = text(data, name);
    if (n !== undefined) return [text(data, domain), n];
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
