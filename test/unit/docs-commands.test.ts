// Every `pinads …` command the docs show must exist in the real program, with the options it names, and every
// `npm run X` in package.json; the check is also fed commands that do not exist, so it is shown to fail.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { fullProgram } from '../../doctools/cli-reference.ts';
import { type CommandSpec, commandSpec, commandsIn, unknownCommands } from '../../doctools/commands.ts';
import { namesInCode, unknownVariables } from '../../doctools/env.ts';
import { parseMarkdown } from '../../doctools/markdown.ts';
import { REPO_ROOT, readPages } from '../../doctools/pages.ts';

const scripts = new Set(
  Object.keys(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts),
);
let program: CommandSpec;
beforeAll(async () => {
  program = commandSpec(await fullProgram());
});

const page = (text: string) => [{ path: 'docs/x.md', text, md: parseMarkdown(text) }];

describe('commands named in README.md and docs/', () => {
  it('name real commands, options and npm scripts', () => {
    expect(unknownCommands(readPages(), program, scripts)).toEqual([]);
  });

  it('reports an unknown option, an unknown command and an unknown npm script, in spans and in shell blocks', () => {
    const text = [
      'Run `pinads backfill ID --frm 2026-01-01 --to 2026-01-31` or `pinads connections frobnicate ID`.',
      'Fine: `pinads connections list|show --format json`, `pinads report overview|channels ID --from D --to D [--by …]`.',
      'Fine: `pinads connections create --ad-account A (--refresh-token TOKEN\\|- \\| --grant-of CONN) --no-verify`.',
      'Then `npm run nosuch` and `npm run docs`.',
      '```sh',
      '$ PINTEREST_REFRESH_TOKEN=x pinads connections create --ad-account 1 --refresh-tokn - < token.txt',
      'docker compose run --rm -T pinads connections list --format json | jq .   # fine',
      'pinads sync ID --wait && pinads sync ID --lookback --all-dayz',
      '```',
      '```sql',
      'SELECT 1; -- pinads --nonsense is not a shell line',
      '```',
    ].join('\n');
    expect(unknownCommands(page(text), program, scripts)).toEqual([
      'docs/x.md:1: `pinads backfill ID --frm 2026-01-01 --to 2026-01-31` → "pinads backfill" has no option --frm',
      'docs/x.md:1: `pinads connections frobnicate ID` → "pinads connections" has no command "frobnicate"',
      'docs/x.md:4: `npm run nosuch` → package.json has no script "nosuch"',
      'docs/x.md:6: `pinads connections create --ad-account 1 --refresh-tokn -` → "pinads connections create" has no option --refresh-tokn',
      'docs/x.md:8: `pinads sync ID --lookback --all-dayz` → "pinads sync" has no option --all-dayz',
    ]);
  });

  it('checks declared choices of arguments and options', () => {
    const report = new Command('report').argument('<report>').action(() => {});
    report.registeredArguments[0]!.choices(['overview', 'channels']);
    report.addOption(new Option('--by <level>').choices(['campaign', 'ad']));
    const spec = commandSpec(new Command('pinads').addCommand(report));
    const text =
      '`pinads report overview|weekly ID` `pinads report channels ID --by region` `pinads report channels ID --by ad`';
    expect(unknownCommands(page(text), spec, scripts)).toEqual([
      'docs/x.md:1: `pinads report overview|weekly ID` → "pinads report" takes overview|channels, not "weekly"',
      'docs/x.md:1: `pinads report channels ID --by region` → "pinads report --by" takes campaign|ad, not "region"',
    ]);
  });

  it('finds the command in a shell line after environment assignments and launchers only', () => {
    expect(commandsIn('FOO=1 npx pinads sync ID --wait  # comment', true)).toEqual([
      ['pinads', 'sync', 'ID', '--wait'],
    ]);
    expect(commandsIn('echo pinads sync', true)).toEqual([]);
    expect(commandsIn('pinads report overview\\|channels ID', false)).toEqual([
      ['pinads', 'report', 'overview|channels', 'ID'],
    ]);
  });
});

describe('environment variables named in README.md and docs/', () => {
  it('are read by the code', () => {
    expect(unknownVariables(readPages(), namesInCode(REPO_ROOT))).toEqual([]);
  });

  it('reports a variable no code reads', () => {
    // Spelled in pieces: this file is code too, and must not read as a place that uses them.
    const typo = 'PINADS_SECRET' + '_KEYS';
    const unknown = 'PINADS_LOG' + 'LEVEL';
    const text = `Set \`PINADS_SECRET_KEY\` and \`${typo}\`, then:\n\`\`\`sh\n${unknown}=debug pinads worker\n\`\`\``;
    expect(unknownVariables(page(text), namesInCode(REPO_ROOT))).toEqual([
      `docs/x.md:1: ${typo} → no code reads this variable`,
      `docs/x.md:3: ${unknown} → no code reads this variable`,
    ]);
  });
});
