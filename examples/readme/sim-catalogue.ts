// The scenario catalogue: importing the package registers every scenario.
import { getScenario, listScenarios, renderTimeline, runScenario } from '@tls13sim/sim';

export const names = listScenarios().map((s) => s.name);
export const description = getScenario('client-cv-rejected')!.description;
// A Trace: every record, key change, delivery and API call, in order (the same every run).
const trace = runScenario('client-cv-rejected');
export const calls = trace.events.flatMap((e) => (e.type === 'app_call' ? [`${e.side} ${e.api} → ${e.outcome}`] : []));
export const timeline = renderTimeline(trace); // what `tls13sim run client-cv-rejected` prints
