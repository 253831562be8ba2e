// `npm run bench`: every benchmark, each reported as ratios against a baseline run in the same
// process run. Exit code 1 if a target is missed (figures are noisy on shared machines: rerun).
import { run as server } from './server.mjs';

let ok = true;
for (const bench of [server]) {
  const result = await bench();
  console.log(`## ${result.name}`);
  for (const line of result.lines) console.log(line);
  ok &&= result.ok;
}
process.exit(ok ? 0 : 1);
