import { Connection } from '@temporalio/client';
import { describe, expect, inject, it } from 'vitest';

describe('Temporal dev server started by the global setup', () => {
  it('answers for the default namespace', async () => {
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
    expect(ns.namespaceInfo?.name).toBe('default');
    await connection.close();
  });
});
