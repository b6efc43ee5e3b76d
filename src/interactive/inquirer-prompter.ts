// Real terminal prompts for the questionnaire: @inquirer/prompts, imported only when an
// interactive session starts so that ordinary `screen` runs never load it.
import { isUnknownAnswer } from './answers.js';
import type { Prompter } from './questionnaire.js';

export type PromptStreams = { input: NodeJS.ReadableStream; output: NodeJS.WritableStream };

export async function inquirerPrompter(streams: PromptStreams): Promise<Prompter> {
  const { input, select, checkbox } = await import('@inquirer/prompts');
  const context = { input: streams.input, output: streams.output };
  return {
    // An answer of "unknown" (Enter, ?, unknown) is shown as "unknown", never as a blank.
    input: (q) => input({ message: q.message, validate: q.validate, ...(q.default !== undefined ? { default: q.default } : { transformer: (value: string, { isFinal }: { isFinal: boolean }) => (isFinal && isUnknownAnswer(value) ? 'unknown' : value) }) }, context),
    select: (q) => select({ message: q.message, choices: q.choices, pageSize: 12, ...('default' in q ? { default: q.default } : {}) }, context),
    checkbox: (q) => checkbox({ message: q.message, choices: q.choices, pageSize: 12, validate: (picked) => q.validate(picked.map((c) => c.value)) }, context),
  };
}

/** Ctrl-C or a closed terminal: inquirer rejects the open prompt with ExitPromptError. */
export function isPromptExit(e: unknown): boolean {
  return e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError');
}
