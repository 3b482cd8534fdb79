// `rackd` command line: dispatches to the subcommand. Kept apart from the daemon so `check-config`
// never opens a socket.

import { checkConfig } from './check-config.js';
import { run } from './run.js';

const USAGE = `usage: rackd <command> [options]

commands:
  run            serve DHCP on the configured interfaces (foreground; systemd runs this)
  check-config   validate an IPAM file and print a summary

rackd <command> --help for the command's options`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return run(rest);
    case 'check-config':
      return checkConfig(rest);
    case undefined:
    case '-h':
    case '--help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`rackd: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
