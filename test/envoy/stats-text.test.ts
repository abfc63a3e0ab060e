import t from 'tap';
import { parseStats } from '../../src/envoy/stats-text.js';
import { activeConnections } from '../../src/supervisor/drain.js';

t.test('reads "name: value" lines; the first of a name wins; histograms and text are left out', async (t) => {
  const stats = parseStats('server.state: 0\nserver.state: 1\n  cluster.x.upstream_cx_active: 3\nhist: P0(nan,0) P25(nan,0)\nversion: abc\n\n');
  t.same([...stats], [['server.state', 0], ['cluster.x.upstream_cx_active', 3]]);
});

t.test('active downstream connections: listeners summed, per-worker lines, admin and ignored ports left out', async (t) => {
  const text = [
    'listener.0.0.0.0_15006.downstream_cx_active: 4',
    'listener.0.0.0.0_15006.worker_0.downstream_cx_active: 4',
    'listener.0.0.0.0_15001.downstream_cx_active: 2',
    'listener.0.0.0.0_15021.downstream_cx_active: 7',
    'listener.admin.downstream_cx_active: 1',
  ].join('\n');
  t.equal(activeConnections(text, [15021]), 6);
  t.equal(activeConnections('server.state: 0\n', []), 0, 'no listener stats: nothing to wait for');
});
