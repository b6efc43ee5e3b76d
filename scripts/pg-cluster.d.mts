export function postgresBin(): string;
export function startPostgres(): { host: string; port: number; user: string; dir: string; stop(): void };
