/**
 * Runs on one index take turns: a lock held while the index is brought up to date. It is an
 * exclusive SQLite lock on a file beside the index, so the operating system releases it when its
 * process dies, however it dies: a killed run never leaves a stale lock behind.
 */
import '../read/sqliteUri';
import Database from 'better-sqlite3';

/** How long a run waits for another one on the same index before it gives up (FF_LENS_LOCK_WAIT_MS overrides). */
export const LOCK_WAIT_MS = 60_000;

export class IndexBusy extends Error {}

export class IndexLock {
  private constructor(private db: Database.Database | null) {}

  /** Take the lock on `indexFile`, waiting (without blocking the event loop) up to `waitMs`. */
  static async acquire(
    indexFile: string,
    waitMs = Number(process.env.FF_LENS_LOCK_WAIT_MS) || LOCK_WAIT_MS,
  ): Promise<IndexLock> {
    const db = new Database(`${indexFile}.lock`, { timeout: 0 });
    const deadline = Date.now() + waitMs;
    let pause = 10;
    for (;;) {
      try {
        db.exec('BEGIN EXCLUSIVE');
        return new IndexLock(db);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') {
          db.close();
          throw e;
        }
        if (Date.now() >= deadline) {
          db.close();
          throw new IndexBusy(
            `the index ${indexFile} is in use by another ff-lens run (waited ${Math.round(waitMs / 1000)} s); try again when it has finished`,
          );
        }
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(200, pause * 2);
      }
    }
  }

  release(): void {
    if (!this.db) return;
    try {
      this.db.exec('ROLLBACK');
    } finally {
      this.db.close();
      this.db = null;
    }
  }
}
