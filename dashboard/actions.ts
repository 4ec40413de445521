// The dashboard's only writes: "sync now", "start backfill" and "resume", each run as the very `pinads` command a
// user would type (same validation, same workflow ids and conflict policies, same one-line errors). Arguments are
// ids and dates, never secrets, and go to execFile without a shell.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { isIsoDate } from '../common/dates.ts';
import { projectRoot } from '../temporal/paths.ts';

// From the project root, not this file: under the prebuilt dist/ this module sits one folder deeper.
const BIN = join(projectRoot(), 'bin', 'pinads.js');

export type ActionName = 'sync' | 'backfill' | 'resume';

export interface ActionResult {
  ok: boolean;
  message: string;
}

export function actionArgs(name: ActionName, id: string, form: URLSearchParams): string[] | string {
  switch (name) {
    case 'sync':
      return ['sync', id];
    case 'resume':
      return ['connections', 'resume', id];
    case 'backfill': {
      const from = form.get('from') ?? '';
      const to = form.get('to') ?? '';
      if (!isIsoDate(from) || !isIsoDate(to)) return 'Pick both dates of the backfill (YYYY-MM-DD).';
      return ['backfill', id, '--from', from, '--to', to];
    }
  }
}

const SUCCESS: Record<ActionName, string> = {
  sync: 'Sync started. Its run appears under "Recent sync runs" in a few seconds; reload to see it.',
  backfill: 'Backfill started: its progress shows below.',
  resume: 'Schedule resumed: the connection syncs hourly again.',
};

/** Runs the command; its stderr's last `pinads:` line is the message when it fails. */
export function runAction(name: ActionName, args: string[], timeoutMs = 120_000): Promise<ActionResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: process.env, timeout: timeoutMs, maxBuffer: 1 << 20 },
      (err, _stdout, stderr) => {
        if (!err) return resolve({ ok: true, message: SUCCESS[name] });
        const line =
          stderr
            .split('\n')
            .reverse()
            .find((l) => l.startsWith('pinads: ')) ?? `pinads ${args[0]} failed`;
        resolve({ ok: false, message: line.replace(/^pinads: /, '') });
      },
    );
  });
}
