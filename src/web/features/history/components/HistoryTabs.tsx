/** The history pages' heading and tabs: the timeline and the crash reports. */
import { TabbedHeader } from '../../../components/Panel.js';

const TABS = [
  { href: '/timeline', label: 'Timeline' },
  { href: '/crashes', label: 'Crash reports' },
] as const;

export const HistoryTabs = () => <TabbedHeader title="History" label="History pages" tabs={TABS} />;
