/** The environment a server or admin process runs with (SYNC-PROTOCOL.md, "Operating the server"). */
import { parseDatabaseUrl, type DatabaseTarget } from './db';

export interface ServerConfig {
  database: DatabaseTarget;
  port: number;
  host: string;
  trustProxy: boolean;
}

export function readConfig(env: NodeJS.ProcessEnv): { ok: true; config: ServerConfig } | { ok: false; error: string } {
  const database = parseDatabaseUrl(env.DATABASE_URL);
  if (!database) return { ok: false, error: 'DATABASE_URL must be sqlite:<path> or postgres://…' };
  const port = env.PORT === undefined || env.PORT === '' ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { ok: false, error: 'PORT must be a port number' };
  return {
    ok: true,
    config: { database, port, host: env.HOST || '127.0.0.1', trustProxy: env.TRUST_PROXY === '1' },
  };
}
