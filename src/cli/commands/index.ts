// Subcommands of `screen` (the default command screens a patient). Each module builds one
// commander Command; the exit code goes through setExit, never process.exit.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { batchCommand } from './batch.js';
import { lintCommand } from './lint.js';
import { showCommand } from './show.js';
import { templateCommand } from './template.js';
import { trialsCommand } from './trials.js';

export type SubcommandFactory = (io: CliIo, setExit: (code: number) => void) => Command;

export const SUBCOMMANDS: SubcommandFactory[] = [trialsCommand, batchCommand, templateCommand, showCommand, lintCommand];

/** Their names, so the CLI can tell without building them whether a command line may use one. */
export const SUBCOMMAND_NAMES = ['trials', 'batch', 'template', 'show', 'lint'];
