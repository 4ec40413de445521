// `pinads --help` lists cli/summaries.ts instead of importing every command; it must read exactly as the help of the
// fully registered program does.
import { describe, expect, it } from 'vitest';

import { buildProgram } from '../../cli/program.ts';

describe('pinads --help', () => {
  it('lists every command with the term and description of its real registration', async () => {
    const stub = (await buildProgram(['node', 'pinads'])).helpInformation();
    const full = (await buildProgram(['node', 'pinads'], true)).helpInformation();
    expect(stub).toContain('sync [options] <id>');
    expect(stub).toBe(full);
  });
});
