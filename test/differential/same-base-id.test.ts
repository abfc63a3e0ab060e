// Two envoys with the same --base-id on one host (two agents left at --baseId 0, say), with the stub and with real
// Envoy 1.40: the second, also epoch 0, cannot bind the hot-restart domain socket the first holds and exits 1 with
// Envoy's one line; the first is untouched. One base id for the pair, unique on the host.
import t from 'tap';
import type { Test } from 'tap';
import { errorLines, flavours, spawnEnvoy, staticSetup, startStatic, type StaticEnvoy } from '../helpers/differential.js';
import { request } from '../helpers/net.js';

async function secondOnSameBaseId(t: Test, first: StaticEnvoy) {
  const own = await staticSetup(t, `${first.flavour}-second`); // its own ports: the base id is the only clash
  // The stub's shared-memory stand-in lives in the first one's dir, as both envoys would share /dev/shm.
  const second = spawnEnvoy(t, first.flavour, ['-c', own.config, '--base-id', String(first.baseId), '-l', 'info'], first.dir);
  const exit = await second.exited;
  const info = JSON.parse((await first.admin('GET', '/server_info')).body) as { state: string; command_line_options: { restart_epoch: number } };
  const through = await request(`http://127.0.0.1:${first.ports.inbound}/`, 'GET', {}, 5_000);
  return {
    second: { exit, lines: errorLines(second.output()).map((l) => l.replace(`base_id=${first.baseId * 10},`, 'base_id=<10 × base id>,')) },
    first: { running: first.envoy.exit() === undefined, state: info.state, epoch: info.command_line_options.restart_epoch, inbound: `${through.status} ${through.body}` },
  };
}

t.test('a second envoy on a base id in use exits 1 and leaves the first alone', async (t) => {
  const [real, stub] = await Promise.all(flavours.map(async (f) => secondOnSameBaseId(t, await startStatic(t, f))));
  t.same(stub, real, 'the stub does what real Envoy does');
  t.same(real!.second, {
    exit: { code: 1, signal: null },
    lines: ['unable to bind domain socket with base_id=<10 × base id>, id=0, errno=98 (see --base-id option)'],
  }, "Envoy's exit and line");
  t.same(real!.first, { running: true, state: 'LIVE', epoch: 0, inbound: '200 inbound\n' }, 'the first serves on');
});
