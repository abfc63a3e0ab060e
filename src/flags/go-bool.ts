// Go's strconv.ParseBool: what pflag and viper accept for a bool, and what Istio's annotations take.

const goTrue = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const goFalse = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

export function parseGoBool(text: string): boolean | undefined {
  if (goTrue.has(text)) return true;
  if (goFalse.has(text)) return false;
  return undefined;
}
