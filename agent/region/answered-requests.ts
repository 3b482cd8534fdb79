// RPC request ids this rack has answered, kept until each request's deadline (PROTOCOL.md §6.2 step 3) and
// written to the state dir, so a signed request played back after a restart is acknowledged, not run again.

import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeAtomically } from './state-files.js';

/** More ids than this are never kept: the ones closest to their deadline go first. */
const MAX_KEPT = 10_000;

export class AnsweredRequests {
  private readonly deadlines = new Map<string, number>();
  private writing: Promise<void> = Promise.resolve();

  /** `path` undefined: memory only (tests, tools). */
  constructor(
    private readonly path: string | undefined,
    private readonly now: () => number,
  ) {}

  /** Reads what an earlier run answered; a missing or unreadable file is an empty list (the ids are a guard). */
  async load(): Promise<void> {
    if (this.path === undefined) return;
    let saved: unknown;
    try {
      saved = JSON.parse(await readFile(this.path, 'utf8'));
    } catch {
      return;
    }
    if (typeof saved !== 'object' || saved === null) return;
    for (const [id, deadline] of Object.entries(saved)) {
      if (typeof deadline === 'number') this.deadlines.set(id, deadline);
    }
    this.forgetExpired();
  }

  has(id: string): boolean {
    const deadline = this.deadlines.get(id);
    return deadline !== undefined && deadline >= this.now();
  }

  /** Records an answered id and writes the list (writes queue behind each other). */
  add(id: string, deadline: number): Promise<void> {
    this.deadlines.set(id, deadline);
    this.forgetExpired();
    if (this.path === undefined) return Promise.resolve();
    const path = this.path;
    const content = JSON.stringify(Object.fromEntries(this.deadlines));
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(path), { recursive: true });
      await writeAtomically(path, content);
    });
    return this.writing;
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [id, deadline] of this.deadlines) if (deadline < now) this.deadlines.delete(id);
    if (this.deadlines.size <= MAX_KEPT) return;
    const soonest = [...this.deadlines].sort((a, b) => a[1] - b[1]).slice(0, this.deadlines.size - MAX_KEPT);
    for (const [id] of soonest) this.deadlines.delete(id);
  }
}
