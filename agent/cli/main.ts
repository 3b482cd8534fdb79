// `rackd` command line: dispatches to the subcommand. Kept apart from the daemon so `check-config`
// never opens a socket.

import { checkConfig } from './check-config.js';
import { run } from './run.js';
import { scan } from './scan.js';
import { status } from './status.js';

const USAGE = `usage: rackd <command> [options]

commands:
  run            serve DHCP on the configured interfaces (foreground; systemd runs this)
  check-config   validate an IPAM file and print a summary
  scan           ARP-scan networks and print who answers (no daemon needed)
  status         summary of the running daemon (interfaces, counters) from its loopback endpoint

rackd <command> --help for the command's options`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return run(rest);
    case 'check-config':
      return checkConfig(rest);
    case 'scan':
      return scan(rest);
    case 'status':
      return status(rest);
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

const argv = process.argv.slice(2);
process.exitCode = await main(argv);
// `run` ends explicitly: the pcap binding keeps a closed capture's poll handle alive until a frame arrives,
// which on a quiet link is never. Logs are written synchronously, so nothing is lost.
if (argv[0] === 'run' && !argv.includes('--help') && !argv.includes('-h')) process.exit(process.exitCode);
