// A hot restart while the control plane is down, on real Envoy: the child waits for its first listeners and clusters
// (the bootstrap's initial_fetch_timeout 0s) while the parent keeps serving, and takes over once the control plane is
// back; nothing is lost. With Envoy's default 15 s per resource type the child went LIVE after ~30 s with no xDS
// listeners and took the parent's over: the inbound port refused connections while readiness said 200.
import t from 'tap';
import { startXdsServer } from '../../tools/xds-server/src/index.js';
import { hotRestartUnderLoad, startPod } from '../helpers/hot-restart-pod.js';
import { request, waitFor } from '../helpers/net.js';

/** Envoy's default initial_fetch_timeout: by then a child on the default would have moved on without config. */
const envoyDefaultFetchTimeoutS = 15;

async function childInfo(adminPort: number): Promise<{ epoch: number; state: string; uptime: number } | undefined> {
  const r = await request(`http://127.0.0.1:${adminPort}/server_info`, 'GET', {}, 5_000).catch(() => undefined);
  if (r?.status !== 200) return undefined;
  const info = JSON.parse(r.body) as { state: string; uptime_current_epoch: string; command_line_options: { restart_epoch: number } };
  return { epoch: info.command_line_options.restart_epoch, state: info.state, uptime: parseInt(info.uptime_current_epoch, 10) };
}

t.test('a hot restart while the control plane is down waits for it, the parent serving, and completes once it is back', async (t) => {
  const pod = await startPod(t);
  const { agent } = pod;
  const snapshot = pod.xds.snapshot()!;
  await pod.xds.close();

  await hotRestartUnderLoad(t, pod, 1, async () => {
    agent.signal('SIGHUP');
    // Envoy's own clock, not ours: the child has been waiting longer than the default fetch timeout.
    const waited = await waitFor(
      `the child to have waited ${envoyDefaultFetchTimeoutS + 1} s for the control plane`,
      async () => {
        const info = await childInfo(agent.ports.admin);
        return info?.epoch === 1 && info.uptime > envoyDefaultFetchTimeoutS && info;
      },
      60_000,
      250,
    );
    t.equal(waited.state, 'PRE_INITIALIZING', `after ${waited.uptime} s the child still waits for its first clusters`);
    const xds = await startXdsServer({ port: pod.xdsPort, snapshot });
    t.teardown(() => xds.close());
  }, { everyMs: 100 }); // a sparser load: this window lasts the 16 s the child waits
});
