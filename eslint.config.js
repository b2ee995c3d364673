// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Modules that perform I/O or talk to drivers. Pure libraries must never import them,
// and capabilities reach storage and messaging only through the store/ and bus/ ports.
const ioModules = [
  'node:fs', 'node:fs/promises', 'fs', 'fs/promises', 'node:net', 'net', 'node:dgram', 'dgram',
  'node:http', 'http', 'node:https', 'https', 'node:child_process', 'child_process', 'node:tls', 'tls',
  'better-sqlite3', 'pg', 'fastify', '@nats-io/*', 'pino',
];
const adapterImports = ['**/store/sqlite/**', '**/store/postgres/**', '**/bus/memory/**', '**/bus/nats/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    // Pure libraries: no I/O, no server, no store, no bus.
    files: ['src/sigma/**/*.ts', 'src/evtx/**/*.ts', 'src/ingest/parsers/**/*.ts', 'src/intel/pattern/**/*.ts', 'src/intel/match/**/*.ts', 'src/intel/misp/**/*.ts', 'src/intel/stix/**/*.ts', 'src/intel/tlp/**/*.ts'],
    // The STIX validator's schema loader reads content/stix from disk: it is the I/O edge of src/intel/stix (entry node.ts).
    ignores: ['**/*.test.ts', 'src/intel/stix/node.ts', 'src/intel/stix/stix-schema-loader.ts', 'src/intel/stix/default-stix-validator.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ioModules.filter((m) => !m.includes('*')).map((name) => ({ name, message: 'pure library: no I/O' })),
        patterns: [
          { group: ['@nats-io/*'], message: 'pure library: no I/O' },
          { group: ['**/store/**', '**/bus/**', '**/server/**', '**/cli/**'], message: 'pure library: no ports, adapters or wiring' },
        ],
      }],
    },
  },
  {
    // Capabilities use the ports, never an adapter or a driver directly.
    files: ['src/**/*.ts'],
    ignores: ['src/store/**', 'src/bus/**', 'src/cli/**', 'src/server/runtime.ts', '**/*.test.ts', 'src/sigma/**', 'src/evtx/**', 'src/ingest/parsers/**', 'src/intel/pattern/**', 'src/intel/match/**', 'src/intel/misp/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'better-sqlite3', message: 'use the store port (src/store)' },
          { name: 'pg', message: 'use the store port (src/store)' },
        ],
        patterns: [
          { group: ['@nats-io/*'], message: 'use the bus port (src/bus)' },
          { group: adapterImports, message: 'use the port, not an adapter' },
        ],
      }],
    },
  },
);
