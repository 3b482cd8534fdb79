// rackctl's argument parsing: every command parses with its flags in any order, and each usage mistake gets a
// message naming the fix (exit 2 is decided on these outcomes).

import { describe, expect, it } from 'vitest';
import { COMMANDS, USAGE, integerFlag, parseRackctlArgs } from '../../../../../agent/cli/rackctl/args.js';

function parsed(argv: string[]) {
  const outcome = parseRackctlArgs(argv);
  if (outcome.kind !== 'command') throw new Error(`expected a command, got ${JSON.stringify(outcome)}`);
  return outcome.parsed;
}

function usageError(argv: string[]): string {
  const outcome = parseRackctlArgs(argv);
  if (outcome.kind !== 'usage-error') throw new Error(`expected a usage error, got ${outcome.kind}`);
  return outcome.message;
}

describe('parseRackctlArgs', () => {
  it('takes global flags before or after the command words', () => {
    const before = parsed(['--redis', 'redis://h:1', '--prefix', 'p', 'reservation', 'put', '--mac', 'M', '--ip', 'I']);
    const after = parsed(['reservation', 'put', '--mac', 'M', '--ip', 'I', '--redis', 'redis://h:1', '--prefix', 'p']);
    for (const p of [before, after]) {
      expect(p.command.words).toEqual(['reservation', 'put']);
      expect(p.values).toMatchObject({ redis: 'redis://h:1', prefix: 'p', mac: 'M', ip: 'I' });
      expect(p.positionals).toEqual([]);
    }
  });

  it('parses every command of the issue', () => {
    expect(parsed(['snapshot', 'push', 'ipam.yaml']).positionals).toEqual(['ipam.yaml']);
    expect(parsed(['reservation', 'delete', '--mac', 'M', '--subnet', '10.0.0.0/24']).values).toMatchObject({
      mac: 'M',
      subnet: '10.0.0.0/24',
    });
    expect(parsed(['subnet', 'put', '--cidr', '10.0.0.0/24', '--gateway', '10.0.0.1']).values).toMatchObject({
      cidr: '10.0.0.0/24',
      gateway: '10.0.0.1',
    });
    expect(parsed(['subnet', 'delete', '--cidr', '10.0.0.0/24']).command.words).toEqual(['subnet', 'delete']);
    expect(parsed(['call', 'rack-1', 'status']).positionals).toEqual(['rack-1', 'status']);
    expect(parsed(['call', 'rack-1', 'reservations', '{"limit":3}']).positionals).toEqual([
      'rack-1',
      'reservations',
      '{"limit":3}',
    ]);
    expect(parsed(['racks', '--json']).values.json).toBe(true);
    expect(parsed(['events', 'tail', '--group', 'g']).values.group).toBe('g');
    expect(parsed(['revision']).command.words).toEqual(['revision']);
  });

  it('names the missing flag, the stray flag, and the argument count', () => {
    expect(usageError(['reservation', 'put', '--mac', 'M'])).toBe("'reservation put' needs --ip");
    expect(usageError(['subnet', 'delete'])).toBe("'subnet delete' needs --cidr");
    expect(usageError(['racks', '--mac', 'M'])).toBe("option --mac does not apply to 'racks'");
    expect(usageError(['snapshot', 'push'])).toMatch(
      /^'snapshot push' takes 1 argument, got 0: snapshot push IPAM\.yaml$/,
    );
    expect(usageError(['call', 'rack-1'])).toMatch(/^'call' takes 2–3 arguments, got 1/);
    expect(usageError(['call', 'a', 'b', 'c', 'd'])).toMatch(/got 4/);
  });

  it('names unknown commands and half-typed command groups', () => {
    expect(usageError([])).toBe('no command given');
    expect(usageError(['frobnicate'])).toBe("unknown command 'frobnicate'");
    expect(usageError(['reservation', 'get'])).toBe(
      "'reservation get' is not a command: use 'reservation put' or 'reservation delete'",
    );
    expect(usageError(['snapshot'])).toMatch(/use 'snapshot push'/);
  });

  it('refuses unknown flags and a string flag without its value', () => {
    expect(usageError(['racks', '--nope'])).toMatch(/--nope/);
    expect(usageError(['reservation', 'put', '--ip', 'I', '--mac'])).toMatch(/--mac/);
  });

  it('answers --help for the whole tool and for one command', () => {
    expect(parseRackctlArgs(['--help'])).toEqual({ kind: 'help' });
    const one = parseRackctlArgs(['call', '--help']);
    expect(one.kind === 'help' && one.command?.words).toEqual(['call']);
  });

  it('lists every command in the usage text', () => {
    for (const command of COMMANDS) expect(USAGE).toContain(command.synopsis);
  });
});

describe('integerFlag', () => {
  it('reads whole numbers and names the flag when it cannot', () => {
    expect(integerFlag({ max: '12' }, 'max', 1)).toBe(12);
    expect(integerFlag({}, 'max', 1)).toBeUndefined();
    expect((integerFlag({ max: '0' }, 'max', 1) as Error).message).toBe("--max must be a whole number ≥ 1, got '0'");
    expect(integerFlag({ max: '1e3' }, 'max')).toBeInstanceOf(Error);
    expect(integerFlag({ max: '-1' }, 'max')).toBeInstanceOf(Error);
  });
});
