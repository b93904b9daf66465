import { Compartment, type Extension } from '@codemirror/state';
import { PostgreSQL, sql, type SQLNamespace } from '@codemirror/lang-sql';

/**
 * Schema completion: tables and columns as `{ "public.users": ["id", "name"] }`
 * (or nested `{ public: { users: [...] } }`), see @codemirror/lang-sql's
 * SQLNamespace. Reconfigured when introspection refreshes.
 */
export type Schema = SQLNamespace;

/** The language compartment: PostgreSQL dialect plus keyword/schema completion. */
export const languageCompartment = new Compartment();

/**
 * languageExtension returns the PostgreSQL language. Without a schema only
 * keywords complete; with one, tables and columns do too. Tables of
 * `defaultSchema` (public) complete without their schema prefix.
 */
export function languageExtension(schema?: Schema, defaultSchema = 'public'): Extension {
  return schema ? sql({ dialect: PostgreSQL, schema, defaultSchema }) : sql({ dialect: PostgreSQL });
}
