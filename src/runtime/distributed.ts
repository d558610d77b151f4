/**
 * Distributed mode: one service per process (`auditor serve identity|audit|file|event|verification`)
 * or the gateway (`auditor serve gateway`). Services call each other over HTTP with the same client
 * interfaces they use in-process, and each connects to PostgreSQL with its own role.
 */
import type { Config } from '../platform/config.ts';
import { isServiceName } from '../platform/service-names.ts';
import { startGateway } from './gateway.ts';
import { startServiceProcess } from './service-process.ts';
import { startWitnessProcess } from './witness-process.ts';

export async function startDistributedProcess(name: string, config: Config): Promise<void> {
  if (name === 'gateway') {
    await startGateway({ config, handleSignals: true });
    return;
  }
  if (name === 'witness') {
    await startWitnessProcess({ config, handleSignals: true });
    return;
  }
  if (!isServiceName(name))
    throw new Error(
      `unknown service "${name}"; use identity, audit, file, event, verification, gateway or witness`,
    );
  await startServiceProcess({ service: name, config, handleSignals: true });
}
