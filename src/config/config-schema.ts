import { Type, type Static } from 'typebox';

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
            udp: Type.Union([Type.String(), Type.Null()], { description: 'host:port for RFC 5424/3164 over UDP, or null (off)' }),
            tcp: Type.Union([Type.String(), Type.Null()], { description: 'host:port for syslog over TCP (LF or octet-counted), or null' }),
            tls: Type.Union([
              Type.Object(
                { address: Type.String(), cert: Type.String({ description: 'PEM file' }), key: Type.String({ description: 'PEM file' }) },
                { additionalProperties: false },
              ),
              Type.Null(),
            ], { description: 'syslog over TLS (RFC 5425), or null' }),
            org: Type.String({ minLength: 1, description: 'Organisation the syslog listeners stamp on events' }),
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
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
