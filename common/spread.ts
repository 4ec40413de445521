// Where a connection's recurring work falls within a period: a stable hash of its id, so a fleet's schedules and
// daily passes spread evenly instead of starting together, and a connection keeps its slot across restarts.
import { createHash } from 'node:crypto';

/**
 * A stable slot in [0, n) for the id. `part` picks which 4 bytes of the hash decide it, so two spreads of the same
 * fleet (the minute of the hour, the hour of the daily pass) are independent of each other.
 */
export function spreadSlot(id: string, n: number, part = 0): number {
  return (
    createHash('sha256')
      .update(id)
      .digest()
      .readUInt32BE(4 * part) % n
  );
}
