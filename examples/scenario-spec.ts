// A catalogue scenario as data: copy it, change one setting, run the copy.
import { getScenario, runScenario, runSpec, traceToJson, type ScenarioSpec } from '@tls13sim/sim';

const spec = structuredClone(getScenario('client-cv-rejected')!.spec!);
// The same data runs to the same trace, byte for byte.
export const same = traceToJson(runSpec(spec)) === traceToJson(runScenario('client-cv-rejected'));

// The client signs with the key that matches its certificate: the server accepts it.
const fixed: ScenarioSpec = { ...spec, client: { ...spec.client, certificate: 'client' }, notes: [] };
export const alerts = runSpec(fixed).events.filter((e) => e.type === 'alert_sent').length; // 0
