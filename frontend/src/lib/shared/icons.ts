// The app's icons for database objects, from the one icon set (@lucide/svelte):
// the schema tree, the palette and editor completion use the same picture
// for the same kind of object.
import type { Component } from 'svelte';
import Box from '@lucide/svelte/icons/box';
import Columns3 from '@lucide/svelte/icons/columns-3';
import Database from '@lucide/svelte/icons/database';
import Eye from '@lucide/svelte/icons/eye';
import Folder from '@lucide/svelte/icons/folder';
import KeyRound from '@lucide/svelte/icons/key-round';
import Layers from '@lucide/svelte/icons/layers';
import Link from '@lucide/svelte/icons/link';
import ListOrdered from '@lucide/svelte/icons/list-ordered';
import ListTree from '@lucide/svelte/icons/list-tree';
import Shapes from '@lucide/svelte/icons/shapes';
import SquareCheckBig from '@lucide/svelte/icons/square-check-big';
import SquareFunction from '@lucide/svelte/icons/square-function';
import Table from '@lucide/svelte/icons/table';
import TableProperties from '@lucide/svelte/icons/table-properties';
import Zap from '@lucide/svelte/icons/zap';
import Asterisk from '@lucide/svelte/icons/asterisk';
import Type from '@lucide/svelte/icons/type';

/** objectIcon picks the icon of a catalog object kind (schema.Match.kind, Table.kind, …). */
export function objectIcon(kind: string): Component {
  switch (kind) {
    case 'schema':
      return Folder;
    case 'table':
      return Table;
    case 'partitioned table':
      return TableProperties;
    case 'foreign table':
      return Box;
    case 'view':
      return Eye;
    case 'materialized view':
      return Layers;
    case 'function':
    case 'procedure':
    case 'aggregate':
    case 'window function':
      return SquareFunction;
    case 'sequence':
      return ListOrdered;
    case 'type':
    case 'enum':
    case 'domain':
    case 'composite':
    case 'range':
      return Shapes;
    case 'column':
      return Columns3;
    case 'index':
      return Zap;
    case 'keyword':
      return Type;
    case 'database':
      return Database;
    default:
      return ListTree;
  }
}

/** constraintIcon and constraintLabel name a constraint kind: PK, FK, UK, CK, EX. */
export function constraintIcon(kind: string): Component {
  switch (kind) {
    case 'primary key':
      return KeyRound;
    case 'foreign key':
      return Link;
    case 'unique':
      return Asterisk;
    default:
      return SquareCheckBig;
  }
}

export function constraintLabel(kind: string): string {
  return { 'primary key': 'PK', 'foreign key': 'FK', unique: 'UK', check: 'CK', exclusion: 'EX' }[kind] ?? kind.toUpperCase();
}
