import type pg from 'pg';
import { inTransaction } from './connection.ts';

/**
 * The schema, as numbered steps applied once each and recorded in `moteur_migrations` under the name of
 * the part of moteur that owns the tables (the store, the learners' models, ...). A step is never edited
 * after it ships: a change is a new step.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Applies the steps not yet recorded, in order, each in the same transaction as its record. An advisory
 * lock per schema makes nodes that start together wait for one another instead of racing.
 */
export async function migrate(pool: pg.Pool, schema: string, component: string, migrations: readonly Migration[]): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`moteur-migrations:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS moteur_migrations (
      component text NOT NULL, version integer NOT NULL, name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, version))`);
    const recorded = await client.query<{ version: number }>('SELECT version FROM moteur_migrations WHERE component = $1', [component]);
    const done = new Set(recorded.rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO moteur_migrations (component, version, name) VALUES ($1, $2, $3)', [component, m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
