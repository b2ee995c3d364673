/**
 * STIX 2.1 Cyber-observable Objects (SCOs, STIX 2.1 §6) that Shieldwall stores and matches.
 * Types only. SCO ids are deterministic (UUIDv5 over the ID contributing properties): build them
 * with `scoId` rather than by hand.
 */
import type { Hashes, ScoCommonProperties, StixId, StixTimestamp } from './stix-core-types.js';

export interface Ipv4Addr extends ScoCommonProperties {
  type: 'ipv4-addr';
  /** An address or a CIDR block, e.g. `198.51.100.0/24`. */
  value: string;
  resolves_to_refs?: StixId[];
  belongs_to_refs?: StixId[];
}

export interface Ipv6Addr extends ScoCommonProperties {
  type: 'ipv6-addr';
  value: string;
  resolves_to_refs?: StixId[];
  belongs_to_refs?: StixId[];
}

export interface DomainName extends ScoCommonProperties {
  type: 'domain-name';
  value: string;
  resolves_to_refs?: StixId[];
}

export interface Url extends ScoCommonProperties {
  type: 'url';
  value: string;
}

export interface File extends ScoCommonProperties {
  type: 'file';
  hashes?: Hashes;
  size?: number;
  name?: string;
  name_enc?: string;
  magic_number_hex?: string;
  mime_type?: string;
  ctime?: StixTimestamp;
  mtime?: StixTimestamp;
  atime?: StixTimestamp;
  parent_directory_ref?: StixId;
  contains_refs?: StixId[];
  content_ref?: StixId;
}

export interface EmailAddr extends ScoCommonProperties {
  type: 'email-addr';
  value: string;
  display_name?: string;
  belongs_to_ref?: StixId;
}

export interface NetworkTraffic extends ScoCommonProperties {
  type: 'network-traffic';
  start?: StixTimestamp;
  end?: StixTimestamp;
  is_active?: boolean;
  src_ref?: StixId;
  dst_ref?: StixId;
  src_port?: number;
  dst_port?: number;
  protocols: string[];
  src_byte_count?: number;
  dst_byte_count?: number;
  src_packets?: number;
  dst_packets?: number;
  ipfix?: Record<string, string | number>;
  src_payload_ref?: StixId;
  dst_payload_ref?: StixId;
  encapsulates_refs?: StixId[];
  encapsulated_by_ref?: StixId;
}

export interface UserAccount extends ScoCommonProperties {
  type: 'user-account';
  user_id?: string;
  credential?: string;
  account_login?: string;
  account_type?: string;
  display_name?: string;
  is_service_account?: boolean;
  is_privileged?: boolean;
  can_escalate_privs?: boolean;
  is_disabled?: boolean;
  account_created?: StixTimestamp;
  account_expires?: StixTimestamp;
  credential_last_changed?: StixTimestamp;
  account_first_login?: StixTimestamp;
  account_last_login?: StixTimestamp;
}

export interface Process extends ScoCommonProperties {
  type: 'process';
  is_hidden?: boolean;
  pid?: number;
  created_time?: StixTimestamp;
  cwd?: string;
  command_line?: string;
  environment_variables?: Record<string, string>;
  opened_connection_refs?: StixId[];
  creator_user_ref?: StixId;
  image_ref?: StixId;
  parent_ref?: StixId;
  child_refs?: StixId[];
}

export interface AutonomousSystem extends ScoCommonProperties {
  type: 'autonomous-system';
  number: number;
  name?: string;
  rir?: string;
}

export interface MacAddr extends ScoCommonProperties {
  type: 'mac-addr';
  /** Lower-case, colon-separated, e.g. `d2:fb:49:24:37:18`. */
  value: string;
}

export interface X509Certificate extends ScoCommonProperties {
  type: 'x509-certificate';
  is_self_signed?: boolean;
  hashes?: Hashes;
  version?: string;
  serial_number?: string;
  signature_algorithm?: string;
  issuer?: string;
  validity_not_before?: StixTimestamp;
  validity_not_after?: StixTimestamp;
  subject?: string;
  subject_public_key_algorithm?: string;
  subject_public_key_modulus?: string;
  subject_public_key_exponent?: number;
  x509_v3_extensions?: Record<string, string>;
}

export interface Software extends ScoCommonProperties {
  type: 'software';
  name: string;
  cpe?: string;
  swid?: string;
  languages?: string[];
  vendor?: string;
  version?: string;
}

export interface Mutex extends ScoCommonProperties {
  type: 'mutex';
  name: string;
}

export interface Directory extends ScoCommonProperties {
  type: 'directory';
  path: string;
  path_enc?: string;
  ctime?: StixTimestamp;
  mtime?: StixTimestamp;
  atime?: StixTimestamp;
  contains_refs?: StixId[];
}

export interface WindowsRegistryKey extends ScoCommonProperties {
  type: 'windows-registry-key';
  key?: string;
  values?: { name?: string; data?: string; data_type?: string }[];
  modified_time?: StixTimestamp;
  creator_user_ref?: StixId;
  number_of_subkeys?: number;
}

export interface EmailMessage extends ScoCommonProperties {
  type: 'email-message';
  is_multipart: boolean;
  date?: StixTimestamp;
  content_type?: string;
  from_ref?: StixId;
  sender_ref?: StixId;
  to_refs?: StixId[];
  cc_refs?: StixId[];
  bcc_refs?: StixId[];
  message_id?: string;
  subject?: string;
  received_lines?: string[];
  additional_header_fields?: Record<string, string | string[]>;
  body?: string;
  raw_email_ref?: StixId;
}

export interface Artifact extends ScoCommonProperties {
  type: 'artifact';
  mime_type?: string;
  payload_bin?: string;
  url?: string;
  hashes?: Hashes;
  encryption_algorithm?: string;
  decryption_key?: string;
}

/** The SCOs modelled here. */
export type StixCyberObservable =
  | Ipv4Addr | Ipv6Addr | DomainName | Url | File | EmailAddr | NetworkTraffic | UserAccount | Process
  | AutonomousSystem | MacAddr | X509Certificate | Software | Mutex | Directory | WindowsRegistryKey
  | EmailMessage | Artifact;

/** The `type` of every SCO the specification defines. */
export type ScoType = StixCyberObservable['type'];
