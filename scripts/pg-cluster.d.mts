export function postgresBin(): string;
export function startPostgres(options?: { parent?: string }): { host: string; port: number; user: string; dir: string; stop(): void };
export function stopPostgres(dir: string): void;
