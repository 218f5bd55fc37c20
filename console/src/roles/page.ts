import type { JSX } from 'preact';
import type { Session } from '../session';

/** One page of a role's menu: its hash path (#/cari-nik), its title in the menu, and what it shows. */
export interface Page {
  readonly path: string;
  readonly title: string;
  readonly view: (props: { session: Session }) => JSX.Element;
}
