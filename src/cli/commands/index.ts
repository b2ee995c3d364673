import type { Command } from 'commander';
import { registerDumpCommand } from './dump-command.js';
import { registerHuntCommand } from './hunt-command.js';
import { registerIngestCommand } from './ingest-command.js';
import { registerIntelCommand } from './intel-command.js';
import { registerMigrateCommand } from './migrate-command.js';
import { registerOrgCommand } from './org-command.js';
import { registerRulesCommand } from './rules-command.js';
import { registerStartCommand } from './start-command.js';
import { registerStatusCommand } from './status-command.js';
import { registerTaxiiCommand } from './taxii-command.js';
import { registerTaxiiFeedCommand } from './taxii-feed-command.js';
import { registerTokenCommand } from './token-command.js';

/** A command module adds its sub-command(s) to the program. */
export type RegisterCommand = (program: Command) => void;

/** Every CLI command, in help order. Add new commands here (explicit list, no side-effect imports). */
export const commands: RegisterCommand[] = [
  registerStartCommand,
  registerMigrateCommand,
  registerOrgCommand,
  registerTokenCommand,
  registerTaxiiCommand,
  registerTaxiiFeedCommand,
  registerHuntCommand,
  registerDumpCommand,
  registerRulesCommand,
  registerIngestCommand,
  registerIntelCommand,
  registerStatusCommand,
];
