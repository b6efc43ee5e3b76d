// Subcommands of `screen` (the default command screens a patient). Each module builds one
// commander Command; the exit code goes through setExit, never process.exit.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { batchCommand } from './batch.js';
import { importCommand } from './import.js';
import { layoutCommand } from './layout.js';
import { lintCommand } from './lint.js';
import { showCommand } from './show.js';
import { sqlCommand } from './sql.js';
import { templateCommand } from './template.js';
import { trialsCommand } from './trials.js';

export type SubcommandFactory = (io: CliIo, setExit: (code: number) => void) => Command;

/** By name, so the CLI can tell without building them whether a command line may use one. */
const BY_NAME = { trials: trialsCommand, batch: batchCommand, template: templateCommand, show: showCommand, lint: lintCommand, import: importCommand, sql: sqlCommand, layout: layoutCommand } satisfies Record<string, SubcommandFactory>;

export const SUBCOMMANDS: SubcommandFactory[] = Object.values(BY_NAME);
export const SUBCOMMAND_NAMES: string[] = Object.keys(BY_NAME);
