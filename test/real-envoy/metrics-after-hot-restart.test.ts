// The merged /stats/prometheus after a hot restart on real Envoy: scraped often (kept-alive connections to the
// admin port), it must show the new epoch at once, not the parent that still answers its old connections until
// parentShutdownDuration ends.
import t from 'tap';
import { seedSnapshot, startXdsServer } from '../../tools/xds-server/src/index.js';
import { startApp } from '../helpers/direct-envoy.js';
import { freePort, waitFor } from '../helpers/net.js';
import { realEnvoyBinary } from '../helpers/real-envoy.js';
import { alive, startAgent } from '../helpers/running-agent.js';

t.test('the first scrape after the new epoch is LIVE comes from the new epoch while the parent still runs', async (t) => {
  const appPort = await startApp(t);
  const xds = await startXdsServer({ snapshot: seedSnapshot({ inboundPort: await freePort(), outboundPort: await freePort(), appPort, version: '1' }) });
  t.teardown(() => xds.close());
  const agent = await startAgent(t, {
    drain: '30s', // the parent lives on for parentShutdownDuration: the window a stale scrape would show
    parentShutdown: '40s',
    args: ['--binaryPath', realEnvoyBinary(), '--discoveryAddress', `127.0.0.1:${xds.port}`],
  });
  await waitFor('ready', async () => (await agent.get('/healthz/ready').catch(() => undefined))?.status === 200, 30_000);
  const epochScraped = async (): Promise<number> => {
    const m = /^envoy_server_hot_restart_epoch(?:\{[^}]*\})? (\d+)$/m.exec((await agent.get('/stats/prometheus')).body);
    return Number(m?.[1] ?? -1);
  };
  t.equal(await epochScraped(), 0, 'epoch 0 before');
  let scraping = true;
  const scrapes = (async () => {
    while (scraping) await epochScraped(); // keeps the agent's connections to the admin port warm
  })();

  agent.signal('SIGHUP');
  await agent.waitForMsg('hot restart complete: new epoch is LIVE', 1, 30_000);
  scraping = false;
  await scrapes;
  const [parent] = agent.envoyPids();
  t.ok(alive(parent!), 'the parent still runs (draining) and still answers its old admin connections');
  t.equal(await epochScraped(), 1, 'the scrape shows the new epoch');
});
