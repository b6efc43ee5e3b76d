// A Prompter that plays a script of [question id, answer] steps the way inquirer behaves:
// typed answers go through the validator and an invalid one is logged with its reason and asked
// again (the next step must answer the same question). Any unscripted question fails the test.
import type { Prompter } from '../../src/interactive/questionnaire.js';

export const INTERRUPT = Symbol('Ctrl-C');
export type Step = [id: string, answer: unknown];
export type Asked = { id: string; message: string; answer: unknown; error?: string };

export function scriptedPrompter(script: Step[]) {
  const log: Asked[] = [];
  let i = 0;
  const next = (id: string, message: string): unknown => {
    const step = script[i];
    if (!step) throw new Error(`unscripted question ${id}: ${message}`);
    if (step[0] !== id) throw new Error(`step ${i}: expected question ${step[0]}, was asked ${id}: ${message}`);
    i += 1;
    if (step[1] === INTERRUPT) {
      const e = new Error('User force closed the prompt with SIGINT');
      e.name = 'ExitPromptError';
      throw e;
    }
    return step[1];
  };
  const prompter: Prompter = {
    async input(q) {
      for (;;) {
        const answer = next(q.id, q.message);
        if (typeof answer !== 'string') throw new Error(`${q.id}: an input needs a string answer`);
        // inquirer returns the default for an empty answer.
        const raw = answer === '' && q.default !== undefined ? q.default : answer;
        const v = q.validate(raw);
        if (v === true) {
          log.push({ id: q.id, message: q.message, answer: raw });
          return raw;
        }
        log.push({ id: q.id, message: q.message, answer: raw, error: v });
      }
    },
    async select(q) {
      const answer = next(q.id, q.message);
      const choice = q.choices.find((c) => c.value === answer);
      if (!choice) throw new Error(`${q.id}: ${String(answer)} is not a choice (${q.choices.map((c) => String(c.value)).join(', ')})`);
      log.push({ id: q.id, message: q.message, answer });
      return choice.value;
    },
    async checkbox(q) {
      for (;;) {
        const answer = next(q.id, q.message) as unknown[];
        const picked = q.choices.filter((c) => answer.includes(c.value)).map((c) => c.value);
        if (picked.length !== answer.length) throw new Error(`${q.id}: not all of ${answer.join(', ')} are choices`);
        const v = q.validate(picked);
        if (v === true) {
          log.push({ id: q.id, message: q.message, answer });
          return picked;
        }
        log.push({ id: q.id, message: q.message, answer, error: v });
      }
    },
  };
  return { prompter, log, remaining: () => script.length - i };
}
