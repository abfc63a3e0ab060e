// Envoy sets PR_SET_PDEATHSIG(SIGTERM) when hot restart is enabled, so it gets SIGTERM when the
// process that spawned it dies. Node cannot call prctl; watching for re-parenting is the
// closest equivalent (checked twice a second).

export function watchParentDeath(intervalMs = 500): void {
  const original = process.ppid;
  if (original <= 1) return;
  const timer = setInterval(() => {
    if (process.ppid !== original) {
      clearInterval(timer);
      process.kill(process.pid, 'SIGTERM');
    }
  }, intervalMs);
  timer.unref();
}
