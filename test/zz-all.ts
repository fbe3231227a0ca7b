import { mkdirSync, writeFileSync } from 'node:fs';
import '../packages/sim/src/scenarios/catalogue.js';
import { LENS_NAMES, listScenarios, runScenario, traceToJson } from '../packages/sim/src/index.js';
const root = process.argv[2]!;
mkdirSync(root, { recursive: true });
for (const s of listScenarios())
  for (const lens of LENS_NAMES) writeFileSync(`${root}/${s.name}.${lens}.json`, traceToJson(runScenario(s.name, undefined, { lens })));
