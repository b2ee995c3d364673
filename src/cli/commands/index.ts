import type { Command } from 'commander';

/** A command module adds its sub-command(s) to the program. */
export type RegisterCommand = (program: Command) => void;

/** Every CLI command, in help order. Add new commands here (explicit list, no side-effect imports). */
export const commands: RegisterCommand[] = [];
