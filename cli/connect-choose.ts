// How `pinads connect` talks to a person: questions on stderr, answers on stdin, and which ad accounts they pick.
import { createInterface } from 'node:readline';
import type { AdAccount } from '../schemas/pinterest.ts';
import type { ConnectIo, ConnectOptions } from './connect.ts';
import { UsageError } from './errors.ts';

/**
 * Questions on stderr, answers from stdin, one line each. `undefined` means stdin ended: readline's promise API
 * would leave the question pending forever then, so lines are queued by hand.
 */
export function prompter(io: ConnectIo) {
  let rl: ReturnType<typeof createInterface> | undefined;
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let ended = false;
  const open = () => {
    rl = createInterface({ input: io.stdin, terminal: false });
    rl.on('line', (l) => (waiting.length ? waiting.shift()!(l) : lines.push(l)));
    rl.on('close', () => {
      ended = true;
      for (const w of waiting.splice(0)) w(undefined);
    });
  };
  return {
    ask(question: string): Promise<string | undefined> {
      io.stderr.write(question);
      if (!rl) open();
      if (lines.length) return Promise.resolve(lines.shift()!.trim());
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push((l) => resolve(l?.trim())));
    },
    close: () => rl?.close(),
  };
}

/** Parses "1,3", "2 4", ids, or "all" against the listed accounts; undefined when the answer is not understood. */
export function parseChoice(answer: string, accounts: readonly AdAccount[]): AdAccount[] | undefined {
  if (/^(a|all|\*)$/i.test(answer)) return [...accounts];
  const picked: AdAccount[] = [];
  for (const part of answer.split(/[\s,]+/).filter(Boolean)) {
    const n = Number(part);
    const a =
      Number.isInteger(n) && n >= 1 && n <= accounts.length
        ? accounts[n - 1]
        : accounts.find((x) => x.id === part);
    if (!a) return undefined;
    if (!picked.includes(a)) picked.push(a);
  }
  return picked.length ? picked : undefined;
}

export async function chooseAccounts(
  accounts: AdAccount[],
  o: ConnectOptions,
  ask: (q: string) => Promise<string | undefined>,
  io: ConnectIo,
): Promise<AdAccount[]> {
  const ids = accounts.map((a) => a.id).join(', ');
  if (o.all) return accounts;
  if (o.adAccount?.length) {
    return o.adAccount.map((wanted) => {
      const found = accounts.find((a) => a.id === wanted);
      if (!found)
        throw new UsageError(
          `ad account ${wanted} is not among the ad accounts this Pinterest user can read (${ids || 'none'})`,
        );
      return found;
    });
  }
  if (accounts.length === 1) return [accounts[0]!];
  io.stderr.write('Ad accounts this Pinterest user can read:\n');
  for (const [i, a] of accounts.entries()) {
    const zone = a.time_zone ? `, ${a.time_zone}` : '';
    io.stderr.write(`  ${i + 1}) ${a.id}  ${a.name ?? ''} (${a.currency}${zone})\n`);
  }
  for (;;) {
    const answer = await ask(
      `Which ones? numbers or ids separated by commas, or "all" [1-${accounts.length}] `,
    );
    if (answer === undefined)
      throw new UsageError(`no ad account chosen; pass --ad-account (repeatable) or --all; readable: ${ids}`);
    const picked = parseChoice(answer, accounts);
    if (picked) return picked;
    io.stderr.write(`Please answer numbers from 1 to ${accounts.length}, ids, or "all".\n`);
  }
}
