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
    content: Type.Object(
      { sigmaDir: Type.String({ minLength: 1, description: 'SigmaHQ rule tree loaded at start' }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
