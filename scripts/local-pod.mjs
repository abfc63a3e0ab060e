// What `npm start` and `npm run start:envoy` share: the pod identity a local run pretends to have (the
// variables the sidecar injector gives istio-proxy), and the pino-pretty view of the agent's JSON log lines.
import { build as pretty } from 'pino-pretty';

export const localPodEnv = {
  POD_NAME: 'local-app-0',
  POD_NAMESPACE: 'default',
  INSTANCE_IP: '127.0.0.1',
  SERVICE_ACCOUNT: 'default',
  ISTIO_METAJSON_LABELS: '{"app":"local-app","version":"v1"}',
};

export function prettyLogView() {
  return pretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}
