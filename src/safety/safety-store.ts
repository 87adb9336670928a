/**
 * Where moderation is kept: reports (by reporter commitment, never by person), decisions, appeals, reporters'
 * track records and videos' sensitive topics, in an embedded SQLite file beside the engine's data (or in memory
 * for an engine opened without one). Writes are synchronous: a decision is durable before it is answered.
 */
import Database from 'better-sqlite3';
import { openSqlite, type SqliteDatabase } from '../store/sqlite/database.ts';
import type { DecisionAction, DecisionCategory, ReportReason } from './vocabulary.ts';

export interface StoredReport {
  eventId: string;
  videoId: string;
  reason: ReportReason;
  ts: number;
  /** What the report counts for after the integrity checks (1, or less). */
  weight: number;
  discounted: 'new_account' | 'burst' | null;
  /** The reporter as the ledger names people: a keyed commitment. */
  reporter: string;
}

export interface Decision {
  id: string;
  videoId: string;
  action: DecisionAction;
  category: DecisionCategory;
  ground: 'illegal' | 'incompatible';
  /** The law relied on, for illegal content. */
  legalGround: string | null;
  explanation: string;
  label: string | null;
  /** `human` for a moderator's decision, `automated` for the engine's own (a reach freeze). */
  decidedBy: 'human' | 'automated';
  /** The moderator's principal (a key id, never a person of the service); the engine's own name when automated. */
  moderator: string;
  /** Whether reports led to it (`notice`) or the platform acted on its own (`own_initiative`). */
  source: 'notice' | 'own_initiative';
  /** The appeal this decision answers, if any. */
  appealId: string | null;
  ts: number;
  /** Times the video had been served when the decision was taken. */
  reach: number;
}

export interface Appeal {
  id: string;
  decisionId: string;
  videoId: string;
  explanation: string;
  ts: number;
  status: 'open' | 'upheld' | 'reversed';
  /** The decision that closed it. */
  resolvedBy: string | null;
}

interface DecisionRow {
  id: string;
  video_id: string;
  action: DecisionAction;
  category: DecisionCategory;
  ground: Decision['ground'];
  legal_ground: string | null;
  explanation: string;
  label: string | null;
  decided_by: Decision['decidedBy'];
  moderator: string;
  source: Decision['source'];
  appeal_id: string | null;
  ts: number;
  reach: number;
}

const decisionFromRow = (r: DecisionRow): Decision => ({
  id: r.id,
  videoId: r.video_id,
  action: r.action,
  category: r.category,
  ground: r.ground,
  legalGround: r.legal_ground,
  explanation: r.explanation,
  label: r.label,
  decidedBy: r.decided_by,
  moderator: r.moderator,
  source: r.source,
  appealId: r.appeal_id,
  ts: r.ts,
  reach: r.reach,
});

const APPEAL_COLUMNS = 'id, decision_id AS decisionId, video_id AS videoId, explanation, ts, status, resolved_by AS resolvedBy';

export class SafetyStore {
  private readonly db: SqliteDatabase;

  constructor(path: string | undefined) {
    this.db = path === undefined ? new Database(':memory:') : openSqlite(path);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS reports (
        event_id TEXT PRIMARY KEY, video_id TEXT NOT NULL, reason TEXT NOT NULL, ts INTEGER NOT NULL,
        weight REAL NOT NULL, discounted TEXT, reporter TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS decisions (
        id TEXT PRIMARY KEY, video_id TEXT NOT NULL, action TEXT NOT NULL, category TEXT NOT NULL, ground TEXT NOT NULL,
        legal_ground TEXT, explanation TEXT NOT NULL, label TEXT, decided_by TEXT NOT NULL, moderator TEXT NOT NULL,
        source TEXT NOT NULL, appeal_id TEXT, ts INTEGER NOT NULL, reach INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS decisions_by_time ON decisions (ts);
      CREATE TABLE IF NOT EXISTS appeals (
        id TEXT PRIMARY KEY, decision_id TEXT NOT NULL, video_id TEXT NOT NULL, explanation TEXT NOT NULL,
        ts INTEGER NOT NULL, status TEXT NOT NULL, resolved_by TEXT);
      CREATE TABLE IF NOT EXISTS video_topics (video_id TEXT PRIMARY KEY, topics TEXT NOT NULL);
    `);
  }

  /** Stores a report once (its event id is its key: a replayed event is not counted twice); false if it was known. */
  addReport(r: StoredReport): boolean {
    const result = this.db
      .prepare('INSERT OR IGNORE INTO reports VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(r.eventId, r.videoId, r.reason, r.ts, r.weight, r.discounted, r.reporter);
    return result.changes > 0;
  }

  reports(): StoredReport[] {
    return this.db
      .prepare('SELECT event_id AS eventId, video_id AS videoId, reason, ts, weight, discounted, reporter FROM reports ORDER BY ts, event_id')
      .all() as StoredReport[];
  }

  addDecision(d: Decision): void {
    this.db
      .prepare('INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        d.id,
        d.videoId,
        d.action,
        d.category,
        d.ground,
        d.legalGround,
        d.explanation,
        d.label,
        d.decidedBy,
        d.moderator,
        d.source,
        d.appealId,
        d.ts,
        d.reach,
      );
  }

  decision(id: string): Decision | undefined {
    const row = this.db.prepare('SELECT * FROM decisions WHERE id = ?').get(id) as DecisionRow | undefined;
    return row === undefined ? undefined : decisionFromRow(row);
  }

  /** Decisions taken in [from, to), oldest first. */
  decisions(from = 0, to = Number.MAX_SAFE_INTEGER): Decision[] {
    return (this.db.prepare('SELECT * FROM decisions WHERE ts >= ? AND ts < ? ORDER BY ts, rowid').all(from, to) as DecisionRow[]).map(decisionFromRow);
  }

  addAppeal(a: Appeal): void {
    this.db.prepare('INSERT INTO appeals VALUES (?, ?, ?, ?, ?, ?, ?)').run(a.id, a.decisionId, a.videoId, a.explanation, a.ts, a.status, a.resolvedBy);
  }

  resolveAppeal(id: string, status: Appeal['status'], resolvedBy: string): void {
    this.db.prepare('UPDATE appeals SET status = ?, resolved_by = ? WHERE id = ?').run(status, resolvedBy, id);
  }

  appeal(id: string): Appeal | undefined {
    return this.db.prepare(`SELECT ${APPEAL_COLUMNS} FROM appeals WHERE id = ?`).get(id) as Appeal | undefined;
  }

  appeals(): Appeal[] {
    return this.db.prepare(`SELECT ${APPEAL_COLUMNS} FROM appeals ORDER BY ts, id`).all() as Appeal[];
  }

  setTopics(videoId: string, topics: readonly string[]): void {
    if (topics.length === 0) this.db.prepare('DELETE FROM video_topics WHERE video_id = ?').run(videoId);
    else
      this.db
        .prepare('INSERT INTO video_topics VALUES (?, ?) ON CONFLICT (video_id) DO UPDATE SET topics = excluded.topics')
        .run(videoId, JSON.stringify(topics));
  }

  topics(): Map<string, string[]> {
    const rows = this.db.prepare('SELECT video_id, topics FROM video_topics').all() as { video_id: string; topics: string }[];
    return new Map(rows.map((r) => [r.video_id, JSON.parse(r.topics) as string[]]));
  }

  close(): void {
    this.db.close();
  }
}
