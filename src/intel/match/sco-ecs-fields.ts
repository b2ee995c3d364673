/**
 * The one table between STIX Cyber-observable object paths and the ECS fields our normalized
 * events carry (see src/ingest/parsers/ecs-fields.ts). Both directions use it: the indicator
 * index looks simple indicators up in these ECS fields, and {@link eventObservation} builds the
 * SCOs of an event from it so complex patterns run through the STIX matcher.
 *
 * `instance` names the SCO a row fills: rows with the same instance fill one object (a flow's
 * ports and addresses are one network-traffic). A `_ref` step creates the referenced object, of
 * `refType` ('ip': ipv4-addr or ipv6-addr by the value's shape).
 */
export interface ScoEcsField {
  /** STIX object type. */
  type: string;
  /** Property path after the type, as keys (quoted keys unquoted). */
  path: readonly string[];
  ecs: string;
  instance: string;
  refType?: 'ip';
}

const row = (type: string, path: string, ecs: string, instance: string, refType?: 'ip'): ScoEcsField => ({
  type,
  path: path.split('|'),
  ecs,
  instance,
  ...(refType ? { refType } : {}),
});

export const scoEcsFields: readonly ScoEcsField[] = [
  row('ipv4-addr', 'value', 'source.ip', 'source-ip'),
  row('ipv4-addr', 'value', 'destination.ip', 'destination-ip'),
  row('ipv6-addr', 'value', 'source.ip', 'source-ip'),
  row('ipv6-addr', 'value', 'destination.ip', 'destination-ip'),
  row('network-traffic', 'src_ref|value', 'source.ip', 'flow', 'ip'),
  row('network-traffic', 'dst_ref|value', 'destination.ip', 'flow', 'ip'),
  row('network-traffic', 'src_port', 'source.port', 'flow'),
  row('network-traffic', 'dst_port', 'destination.port', 'flow'),
  row('network-traffic', "extensions|http-request-ext|request_header|User-Agent", 'user_agent.original', 'flow'),
  row('network-traffic', 'extensions|http-request-ext|request_method', 'http.request.method', 'flow'),
  row('domain-name', 'value', 'dns.question.name', 'dns-name'),
  row('domain-name', 'value', 'url.domain', 'url-domain'),
  row('domain-name', 'value', 'destination.domain', 'destination-domain'),
  row('domain-name', 'value', 'tls.client.server_name', 'tls-sni'),
  row('url', 'value', 'url.full', 'url-full'),
  row('url', 'value', 'url.original', 'url-original'),
  row('file', 'hashes|MD5', 'file.hash.md5', 'file'),
  row('file', 'hashes|SHA-1', 'file.hash.sha1', 'file'),
  row('file', 'hashes|SHA-256', 'file.hash.sha256', 'file'),
  row('file', 'name', 'file.name', 'file'),
  row('file', 'hashes|MD5', 'process.hash.md5', 'process-image'),
  row('file', 'hashes|SHA-1', 'process.hash.sha1', 'process-image'),
  row('file', 'hashes|SHA-256', 'process.hash.sha256', 'process-image'),
  row('email-addr', 'value', 'email.from.address', 'email-from'),
  row('email-addr', 'value', 'user.email', 'user-email'),
  row('user-account', 'user_id', 'user.name', 'user'),
  row('user-account', 'account_login', 'user.name', 'user'),
  row('process', 'command_line', 'process.command_line', 'process'),
  row('process', 'pid', 'process.pid', 'process'),
];
