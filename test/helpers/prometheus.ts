// A strict-enough reader of the Prometheus text exposition format (0.0.4), for asserting that merged
// metrics would parse: every line is blank, a comment, or `name{labels} value [timestamp]`. Values are
// what Go's strconv.ParseFloat takes, as Prometheus parses them: NaN and Inf in any letter case.
const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? ([+-]?[0-9.]+([eE][+-]?\d+)?|[Nn][Aa][Nn]|[+-]?[Ii][Nn][Ff])( -?\d+)?$/;

export function badPrometheusLines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#') && !sample.test(line));
}

export function sampleValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}
