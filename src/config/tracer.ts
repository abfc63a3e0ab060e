import { AgentError, ErrorCodes, flagError } from '../errors/index.js';
import { parseGoBool } from '../flags/go-bool.js';
import { parseHostPort, type HostPort } from './addresses.js';

// Istio 1.5 picks one tracer: LightStep, else Zipkin, else Datadog, else Stackdriver (an environment switch).
// Envoy 1.40 still has the Zipkin and Datadog tracers; it no longer has LightStep's or OpenCensus (which 1.5's
// Stackdriver tracing used). Choosing one of those is an error, never a bootstrap without tracing.

export type Tracer = { readonly kind: 'zipkin' | 'datadog'; readonly address: HostPort } | undefined;

export interface TracerChoice {
  readonly tracer: Tracer;
  /** Tracer settings the choice leaves unused (Istio 1.5 ignored them silently). */
  readonly unused: readonly string[];
}

export interface TracerInputs {
  readonly lightstepAddress: string;
  readonly zipkinAddress: string;
  readonly datadogAgentAddress: string;
  /** STACKDRIVER_TRACING_ENABLED as given ('' when unset). */
  readonly stackdriverEnabled: string;
}

export function chooseTracer(inputs: TracerInputs): TracerChoice {
  const stackdriver = inputs.stackdriverEnabled === '' ? false : parseGoBool(inputs.stackdriverEnabled);
  if (stackdriver === undefined) {
    throw new AgentError(ErrorCodes.BAD_ENV, `invalid value ${JSON.stringify(inputs.stackdriverEnabled)} for STACKDRIVER_TRACING_ENABLED: expected true or false`);
  }
  const given = [
    inputs.lightstepAddress && 'lightstep',
    inputs.zipkinAddress && 'zipkin',
    inputs.datadogAgentAddress && 'datadog',
    stackdriver && 'stackdriver',
  ].filter(Boolean) as string[];
  const chosen = given[0];
  const unused = given.slice(1).map((name) => `${settingOf[name]} unused: ${settingOf[chosen!]} takes precedence (Istio 1.5's order: lightstep, zipkin, datadog, stackdriver)`);
  if (chosen === 'lightstep') {
    throw flagError('--lightstepAddress', inputs.lightstepAddress, 'Envoy 1.40 has no LightStep tracer (Istio 1.5 rendered envoy.tracers.lightstep, since removed from Envoy); use --zipkinAddress or --datadogAgentAddress');
  }
  if (chosen === 'stackdriver') {
    throw new AgentError(ErrorCodes.BAD_ENV, 'STACKDRIVER_TRACING_ENABLED=true cannot work: Istio 1.5 traced to Stackdriver through Envoy\'s OpenCensus tracer, which Envoy 1.40 no longer has; unset it, or use --zipkinAddress or --datadogAgentAddress');
  }
  if (chosen === 'zipkin') return { tracer: { kind: 'zipkin', address: parseHostPort('--zipkinAddress', inputs.zipkinAddress) }, unused };
  if (chosen === 'datadog') return { tracer: { kind: 'datadog', address: parseHostPort('--datadogAgentAddress', inputs.datadogAgentAddress) }, unused };
  return { tracer: undefined, unused };
}

const settingOf: Readonly<Record<string, string>> = {
  lightstep: '--lightstepAddress',
  zipkin: '--zipkinAddress',
  datadog: '--datadogAgentAddress',
  stackdriver: 'STACKDRIVER_TRACING_ENABLED',
};
