/**
 * A crash report's page, composed here because it joins two features: the report (history)
 * and the log viewer's way of drawing lines. Loaded when first opened.
 */
import { CrashPage } from '../features/history/components/CrashPage.js';
import { StaticLines } from '../features/logs/components/StaticLines.js';

export default function CrashRoute({ id }: { id: number }) {
  return <CrashPage id={id} Lines={StaticLines} />;
}
