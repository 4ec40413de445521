// What the browser test needs around the real stack: Debian's chromium, a `pinads ui` child, and exact-decimal
// reading of `pinads report --format json`.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PINADS_BIN } from '../helpers/cli.ts';

/** The chromium to drive: PINADS_CHROMIUM, or where Debian's `chromium` package installs it. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.PINADS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => Boolean(p && existsSync(p)));
}

export interface UiChild {
  url: string;
  port: number;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

/** Starts `pinads ui` as a user would and waits for its `Dashboard: <url>` line. */
export function startUiChild(args: string[], env: Record<string, string | undefined>): Promise<UiChild> {
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined || v === '') delete merged[k];
  const child = spawn(process.execPath, [PINADS_BIN, 'ui', ...args], {
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    // Generous: on a loaded 2-core machine the CLI's TypeScript start alone can take half a minute.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pinads ui did not start within 90 s: ${err}`));
    }, 90_000);
    child.once('exit', (code) => reject(new Error(`pinads ui exited with ${code}: ${err}`)));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^Dashboard: (http:\/\/\S+)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = m[1]!;
      resolve({
        url,
        port: Number(new URL(url).port),
        child,
        stderr: () => err,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** The fields of the first totals record of `pinads report … --format json`, each as its literal JSON text. */
export function jsonTotals(json: string): Record<string, string> {
  const m = /"totals":\[\{(.*?)\}[\],]/.exec(json);
  if (!m) throw new Error(`no totals in ${json.slice(0, 200)}`);
  const out: Record<string, string> = {};
  for (const f of m[1]!.matchAll(/"(\w+)":("(?:[^"\\]|\\.)*"|[^,]+)/g)) out[f[1]!] = f[2]!;
  return out;
}

/** Anything shaped like a Pinterest access or refresh token. */
export const TOKEN_SHAPED = /\bpin[ar]_[A-Za-z0-9._~+/=-]{6,}/;
