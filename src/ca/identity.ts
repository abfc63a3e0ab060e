// The workload's SPIFFE identity, as Istio 1.5 put it in the CSR (cache/secretcache.go, pki/util/san.go):
// taken from the token's `sub` (system:serviceaccount:<ns>:<sa>), signature unchecked; the CA signs for the
// identity it authenticates anyway. When the token is not such a JWT, POD_NAMESPACE and SERVICE_ACCOUNT
// (both injected) give the same parts instead of 1.5's useless fallback.

export interface IdentityParts {
  readonly trustDomain: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

export function spiffeId(parts: IdentityParts): string {
  return `spiffe://${parts.trustDomain}/ns/${parts.namespace}/sa/${parts.serviceAccount}`;
}

/** `<ns>` and `<sa>` of a Kubernetes service-account token's `sub`, or undefined. */
export function tokenSubject(token: string): { namespace: string; serviceAccount: string } | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { sub?: unknown };
    const m = typeof payload.sub === 'string' ? /^system:serviceaccount:([^:]+):([^:]+)$/.exec(payload.sub) : null;
    return m ? { namespace: m[1]!, serviceAccount: m[2]! } : undefined;
  } catch {
    return undefined;
  }
}

/** The identity to ask for: the token's, else the environment's; undefined when neither names one. */
export function workloadIdentity(token: string, trustDomain: string, fallback: { namespace: string; serviceAccount: string }): string | undefined {
  const subject = tokenSubject(token) ?? (fallback.namespace && fallback.serviceAccount ? fallback : undefined);
  return subject ? spiffeId({ trustDomain, ...subject }) : undefined;
}
