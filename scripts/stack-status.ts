import { dataDirFrom } from './stack/stack-layout';
import { formatStatusTable, readStackStatus } from './stack/stack-status';

/**
 * `./ringline status [--json]`: the processes of the stack that `./ringline start` runs from this
 * checkout (or RINGLINE_DATA_DIR). Exit code 0 while it runs, 3 when it does not (as `systemctl
 * status` does), so scripts can tell.
 */
const json = process.argv.includes('--json');
const dataDir = dataDirFrom(process.env);
const reading = readStackStatus(dataDir);

if (reading.running) {
  process.stdout.write(`${json ? JSON.stringify(reading.status.processes, null, 2) : formatStatusTable(reading.status)}\n`);
} else {
  const why =
    reading.reason === 'stopped_uncleanly'
      ? `Ringline is not running: the start command (pid ${reading.status?.supervisorPid}) ended without cleaning up; start it again with ./ringline start`
      : 'Ringline is not running here; start it with ./ringline start';
  if (json) process.stdout.write('[]\n');
  process.stderr.write(`${why}\n`);
  process.exitCode = 3;
}
