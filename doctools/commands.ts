// Every `pinads …` command the docs show (in a code span or a shell block) must name commands and options the real
// program has, and every `npm run X` a script of package.json. The program is read from commander itself, so a
// renamed or removed option fails the docs that still name it.
import type { Command } from 'commander';
import type { Page } from './pages.ts';

/** What the checks need of a command: its options and choices, its subcommands. */
export interface CommandSpec {
  path: string;
  options: Map<string, string[] | undefined>;
  subcommands: Map<string, CommandSpec>;
  /** choices of the first argument, when the program declares them */
  argChoices?: string[];
  takesArguments: boolean;
}

export function commandSpec(cmd: Command, parent = ''): CommandSpec {
  const path = parent ? `${parent} ${cmd.name()}` : cmd.name();
  const options = new Map<string, string[] | undefined>([
    ['--help', undefined],
    ['-h', undefined],
  ]);
  for (const o of cmd.options) {
    if (o.long) options.set(o.long, o.argChoices);
    if (o.short) options.set(o.short, o.argChoices);
  }
  const subcommands = new Map<string, CommandSpec>();
  for (const sub of cmd.commands) {
    const spec = commandSpec(sub, path);
    subcommands.set(sub.name(), spec);
    for (const alias of sub.aliases()) subcommands.set(alias, spec);
  }
  const args = cmd.registeredArguments;
  return { path, options, subcommands, argChoices: args[0]?.argChoices, takesArguments: args.length > 0 };
}

// What may stand before `pinads` in a shell line: environment assignments and the usual launchers.
const LAUNCHER = new Set(['npx', 'docker', 'compose', 'run', 'exec', '--rm', '-T', '-it', 'sudo']);
const ENV_ASSIGNMENT = /^[A-Z_][A-Z0-9_]*=/;
const SHELL_LANGS = new Set(['', 'sh', 'bash', 'shell', 'console', 'zsh']);
// Where a shell command ends: a pipe, a list or a redirection.
const SHELL_END = new Set(['|', '||', '&&', ';', '<', '>', '>>', '2>', '2>&1', '&']);
// Words that stand for "any command" or ask for help rather than name a command.
const PLACEHOLDER = new Set(['help', '…', '...']);
const FLAG = /(?<![\w-])(--[a-zA-Z][\w-]*|-[a-zA-Z])(?![\w-])/g;

/** One line per command the docs name that the program does not have: `page:line: `command` → what is wrong`. */
export function unknownCommands(pages: Page[], program: CommandSpec, scripts: Set<string>): string[] {
  const problems: string[] = [];
  for (const page of pages) {
    for (const c of page.md.code) {
      if (c.block && !SHELL_LANGS.has(c.lang)) continue;
      for (const words of commandsIn(c.code, c.block)) {
        const problem = words[0] === 'npm' ? checkNpm(words, scripts) : checkPinads(words, program);
        if (problem) problems.push(`${page.path}:${c.line}: \`${words.join(' ')}\` → ${problem}`);
      }
    }
  }
  return problems;
}

/**
 * The `pinads …` and `npm run …` commands in a piece of code, as words from `pinads` (or `npm`) on. In a code span
 * `a|b` and ` | ` list alternatives; in a shell block ` | ` is a pipe and `#` starts a comment.
 */
export function commandsIn(code: string, block: boolean): string[][] {
  let text = code.replace(/\\\|/g, '|');
  if (block) text = text.replace(/^\s*\$\s+/, '').replace(/(^|\s)#.*$/, '');
  const words = text.trim().split(/\s+/).filter(Boolean);
  const found: string[][] = [];
  let start = 0;
  for (let i = 0; i <= words.length; i++) {
    const end = i === words.length || (block && SHELL_END.has(words[i]!));
    if (!end) continue;
    const command = commandOf(words.slice(start, i));
    if (command) found.push(command);
    start = i + 1;
  }
  return found;
}

function commandOf(words: string[]): string[] | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'pinads' || w === 'source-pinads') return words.slice(i);
    if (w === 'npm' && words[i + 1] === 'run') return words.slice(i);
    if (!LAUNCHER.has(w) && !ENV_ASSIGNMENT.test(w)) return undefined;
  }
  return undefined;
}

function checkNpm(words: string[], scripts: Set<string>): string | undefined {
  const script = words[2];
  if (script === undefined || script.startsWith('-')) return undefined;
  return scripts.has(script) ? undefined : `package.json has no script "${script}"`;
}

function checkPinads(words: string[], program: CommandSpec): string | undefined {
  // source-pinads is the Airbyte entry point: `source-pinads X` is `pinads source X`.
  const rest = words[0] === 'source-pinads' ? ['source', ...words.slice(1)] : words.slice(1);
  let targets = [program];
  let i = 0;
  for (; i < rest.length; i++) {
    const word = rest[i]!;
    const current = targets[0]!;
    if (word.startsWith('-') || PLACEHOLDER.has(word) || current.subcommands.size === 0) break;
    const names = word.split('|');
    const subs = names.map((n) => current.subcommands.get(n));
    if (subs.every((s) => s)) {
      targets = subs as CommandSpec[];
      continue;
    }
    if (current.takesArguments) break;
    const unknown = names.find((_n, k) => !subs[k]);
    return `"${current.path}" has no command "${unknown}"`;
  }
  for (const t of targets) {
    const problem = checkArguments(t, rest.slice(i));
    if (problem) return problem;
  }
  return undefined;
}

function checkArguments(cmd: CommandSpec, words: string[]): string | undefined {
  const first = words[0];
  if (cmd.argChoices && first && /^[a-z_|]+$/.test(first)) {
    const bad = first.split('|').find((c) => !cmd.argChoices!.includes(c));
    if (bad) return `"${cmd.path}" takes ${cmd.argChoices.join('|')}, not "${bad}"`;
  }
  const text = words.join(' ');
  for (const m of text.matchAll(FLAG)) {
    const flag = m[1]!;
    if (!cmd.options.has(flag)) return `"${cmd.path}" has no option ${flag}`;
    const choices = cmd.options.get(flag);
    const value = text.slice(m.index! + flag.length).match(/^[ =]([a-z_|]+)(?=\s|$|\])/)?.[1];
    if (choices && value) {
      const bad = value.split('|').find((v) => !choices.includes(v));
      if (bad) return `"${cmd.path} ${flag}" takes ${choices.join('|')}, not "${bad}"`;
    }
  }
  return undefined;
}
