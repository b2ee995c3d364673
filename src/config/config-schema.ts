import { Type, type Static } from 'typebox';

/** Senders in `cidr` (an address or a CIDR, IPv4 or IPv6) belong to `org`; the first matching rule wins. */
const SenderRule = Type.Object(
  { cidr: Type.String({ minLength: 1 }), org: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

/** What every syslog listener may set besides its address: who its senders are. */
const listenerRouting = {
  org: Type.Optional(Type.String({ minLength: 1, description: "This listener's default organisation (else ingest.syslog.org)" })),
  senders: Type.Optional(Type.Array(SenderRule, { description: 'Sender IP → organisation rules, first match wins, then org' })),
};

/** A UDP or TCP listener in its long form (the short form is just the address string). */
const PlainListener = Type.Object({ address: Type.String({ minLength: 1 }), ...listenerRouting }, { additionalProperties: false });

/** Maps a client certificate (mutual TLS) to an organisation: the subject CN must equal `cn`. */
const ClientCertRule = Type.Object(
  { cn: Type.String({ minLength: 1 }), org: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

const TlsListener = Type.Object(
  {
    address: Type.String({ minLength: 1 }),
    cert: Type.String({ minLength: 1, description: 'PEM file: server certificate chain' }),
    key: Type.String({ minLength: 1, description: 'PEM file: server private key' }),
    ca: Type.Optional(Type.String({ minLength: 1, description: 'PEM file of CAs for client certificates: when set, every client must present one it signed (mutual TLS)' })),
    clientOrgs: Type.Optional(Type.Array(ClientCertRule, { description: 'Client certificate CN → organisation (mutual TLS); wins over senders' })),
    ...listenerRouting,
  },
  { additionalProperties: false },
);

/** The one typed configuration of a Shieldwall node. Every key can come from the file or from `SHIELDWALL_*`. */
export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({ minLength: 1, description: 'Directory for the embedded database and state' }),
    db: Type.Object(
      {
        url: Type.String({
          minLength: 1,
          description: 'sqlite:<path> (embedded default) or postgres://user@host:port/db',
        }),
      },
      { additionalProperties: false },
    ),
    bus: Type.Object(
      {
        url: Type.String({ minLength: 1, description: 'memory: (in-process default) or nats://host:port' }),
        namespace: Type.String({
          pattern: '^[A-Za-z0-9_-]+$',
          description: 'Prefix of stream and subject names, so deployments sharing a NATS server stay apart',
        }),
      },
      { additionalProperties: false },
    ),
    http: Type.Object(
      {
        host: Type.String({ minLength: 1 }),
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
        bodyLimit: Type.Integer({ minimum: 1024, description: 'Largest request body accepted, in bytes' }),
        shutdownGraceMs: Type.Integer({ minimum: 0, description: 'How long in-flight work may drain on stop' }),
      },
      { additionalProperties: false },
    ),
    log: Type.Object(
      {
        level: Type.Union([
          Type.Literal('fatal'),
          Type.Literal('error'),
          Type.Literal('warn'),
          Type.Literal('info'),
          Type.Literal('debug'),
          Type.Literal('trace'),
          Type.Literal('silent'),
        ]),
      },
      { additionalProperties: false },
    ),
    ingest: Type.Object(
      {
        detectionWorkers: Type.Integer({ minimum: 0, maximum: 64, description: 'Detection worker threads (0: detect in the main thread)' }),
        detect: Type.Boolean({ description: 'Run detection in this process (false: an ingest-only node; other nodes detect)' }),
        maxInFlight: Type.Integer({ minimum: 1, description: 'Events accepted but not yet detected before inputs push back (429 / TCP pause)' }),
        retentionDays: Type.Number({ exclusiveMinimum: 0, description: 'Events are kept this long (alerts are kept for good)' }),
        maxLineBytes: Type.Integer({ minimum: 256, description: 'Largest syslog frame or line accepted' }),
        syslog: Type.Object(
          {
            udp: Type.Union([Type.String(), PlainListener, Type.Null()], {
              description: 'host:port for RFC 5424/3164 over UDP, { address, org, senders }, or null (off)',
            }),
            tcp: Type.Union([Type.String(), PlainListener, Type.Null()], {
              description: 'host:port for syslog over TCP (LF or octet-counted), { address, org, senders }, or null',
            }),
            tls: Type.Union([TlsListener, Type.Null()], { description: 'syslog over TLS (RFC 5425), or null' }),
            org: Type.String({ minLength: 1, description: 'Default organisation of the syslog listeners (a listener or a sender rule may override it)' }),
            udpReceiveBufferBytes: Type.Integer({
              minimum: 0,
              description: 'Kernel receive buffer asked for the UDP socket (SO_RCVBUF; Linux caps it at net.core.rmem_max); 0 keeps the OS default',
            }),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    content: Type.Object(
      { sigmaDir: Type.String({ minLength: 1, description: 'SigmaHQ rule tree loaded at start' }) },
      { additionalProperties: false },
    ),
    intel: Type.Object(
      {
        sightingThreshold: Type.Integer({ minimum: 1, description: 'Sightings of an indicator (all organisations) that confirm it for early warning' }),
        sightingWindowMs: Type.Integer({ minimum: 1, description: 'Window in which those sightings must fall' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
