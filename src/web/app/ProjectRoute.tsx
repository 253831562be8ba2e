/**
 * The project page, composed here because it joins three features: the project's own page,
 * the container list's row actions and the log viewer's merged logs. Loaded when first opened.
 */
import { RowActions } from '../features/containers/components/RowActions.js';
import { MergedLogs } from '../features/logs/components/MergedLogs.js';
import { ProjectPage } from '../features/project/components/ProjectPage.js';

export default function ProjectRoute({ name }: { name: string }) {
  return <ProjectPage name={name} Actions={RowActions} Logs={MergedLogs} />;
}
