/** `GET /healthz`: 200 when the database answers. */
import { sql } from 'kysely';
import type { Handler } from 'hono';
import type { HealthResponse } from '../../domain';
import type { Env, ServerDeps } from '../context';

export function healthRoute(deps: ServerDeps): Handler<Env> {
  return async (c) => {
    await sql`SELECT 1`.execute(deps.database.db);
    const reply: HealthResponse = { ok: true, db: deps.database.kind };
    return c.json(reply);
  };
}
