import { describe, expect, it } from 'vitest';
import { fuzzyScore } from '../../components/CommandPalette';
import { logCommands } from './log-commands';

describe('log commands', () => {
  it('offers "Logs: deployment/checkout in shop" and finds it by a few letters', () => {
    const commands = logCommands(
      [
        { kind: 'deployments', namespace: 'shop', name: 'checkout' },
        { kind: 'services', namespace: 'shop', name: 'cart' },
      ],
      new URLSearchParams('ctx=prod&ns=shop'),
    );
    expect(commands.map((c) => `${c.group}: ${c.title}`)).toEqual(['Logs: deployment/checkout in shop', 'Logs: service/cart in shop']);
    expect(fuzzyScore('logs checkout', `${commands[0]!.group}: ${commands[0]!.title}`)).toBeDefined();
    expect(fuzzyScore('logs checkout', `${commands[1]!.group}: ${commands[1]!.title}`)).toBeUndefined();
  });
});
