/** The pages in the rail, the palette and the go-to shortcuts (g, then the page's key). */
import type { IconName } from '../components/Icon.js';
import type { Role } from '../../shared/auth.js';

export interface PageEntry {
  href: string;
  label: string;
  icon: IconName;
  /** The letter after `g` that goes there. */
  key: string;
  /** The least role that sees the page (all roles when absent). */
  role?: Role;
  /** Other sections it holds (History holds /crashes). */
  sections?: readonly string[];
}

export const PAGES: readonly PageEntry[] = [
  { href: '/', label: 'Containers', icon: 'containers', key: 'c' },
  { href: '/images', label: 'Images', icon: 'images', key: 'i' },
  { href: '/timeline', label: 'History', icon: 'history', key: 'h', sections: ['/crashes'] },
  { href: '/prune', label: 'Prune', icon: 'prune', key: 'p', role: 'admin' },
  { href: '/admin/users', label: 'Admin', icon: 'admin', key: 'a', role: 'admin' },
];
