// Polling for a condition another process brings about (a workflow's progress, the sandbox's counters): the probe
// runs every 100 ms for up to a minute, and a timeout names what was awaited.

/** The probe's first value that is neither undefined nor false. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
