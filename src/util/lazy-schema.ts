// A value (a zod schema) built on first use. Building zod schemas is a measurable part of a
// one-patient run's start-up; a schema most runs never use is not worth building at load time.
export function lazySchema<T>(build: () => T): () => T {
  let schema: T | undefined;
  return () => (schema ??= build());
}
