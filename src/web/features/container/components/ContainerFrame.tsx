/**
 * The frame of every page about one container (/containers/:ref, /logs, /terminal): the header
 * with its live state, actions and tabs, stays put as the tabs change beneath it. The app's
 * routes give the tab's content (a feature imports no other feature), rendered once the live
 * list knows the container. An address holding an id (or an id's prefix) is rewritten to the
 * name, the way links are written, without reloading the content.
 */
import { Fragment, useEffect, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import type { Container } from '../../../../shared/containers.js';
import { useContainer } from '../hooks/use-container.js';
import { containerPath, type ContainerTab } from '../lib/tabs.js';
import { ContainerHeader } from './ContainerHeader.js';
import styles from './container.module.css';

export function ContainerFrame({
  containerRef,
  tab,
  children,
}: {
  /** The name or id the address holds. */
  containerRef: string;
  tab: ContainerTab;
  /** The tab's content for the container found. */
  children: (container: Container) => ReactNode;
}) {
  const lookup = useContainer(containerRef);
  const container = lookup.status === 'found' ? lookup.container : undefined;
  const [, navigate] = useLocation();

  const name = container?.name;
  useEffect(() => {
    if (name === undefined || name === containerRef) return;
    // The query (a log line's ?at=) goes along as it was written.
    navigate(`${containerPath(name, tab)}${window.location.search}`, { replace: true });
  }, [name, containerRef, tab, navigate]);

  return (
    <section className={styles.page} data-tab={tab} aria-labelledby="container-title">
      <ContainerHeader containerRef={containerRef} lookup={lookup} tab={tab} />
      {/* Keyed by id: a container re-created under the same name starts its tabs afresh. */}
      {container && <Fragment key={container.id}>{children(container)}</Fragment>}
    </section>
  );
}
