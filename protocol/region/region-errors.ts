// Errors RegionClient throws: each names what to fix. RPC error replies keep their typed code (PROTOCOL.md §6.4);
// a call that gets no reply in time fails with code `timeout`.

import type { IpamProblem } from '../ipam/problem.js';

/** The IPAM document or delta handed to RegionClient was invalid; nothing was published. */
export class RegionInputError extends Error {
  override readonly name = 'RegionInputError';
  constructor(readonly problems: IpamProblem[]) {
    super(`not published: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

/** A delta before any snapshot, or revision allocation lost the race too many times. */
export class RegionPublishError extends Error {
  override readonly name = 'RegionPublishError';
}

export class RpcCallError extends Error {
  override readonly name = 'RpcCallError';
  constructor(
    readonly rack: string,
    readonly method: string,
    /** An RPC error code from the rack, `timeout`, or `invalid-reply` for a reply that fails its schema. */
    readonly code: string,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(`${method} on rack ${rack} failed (${code}): ${detail}`);
  }
}
