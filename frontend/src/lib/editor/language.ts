import { Compartment, type Extension } from '@codemirror/state';
import { CompletionContext, type CompletionSource } from '@codemirror/autocomplete';
import { PostgreSQL, schemaCompletionSource, sql, type SQLNamespace } from '@codemirror/lang-sql';

/**
 * Schema completion: tables and columns as `{ "public.users": ["id", "name"] }`
 * (or nested `{ public: { users: [...] } }`), see @codemirror/lang-sql's
 * SQLNamespace. Reconfigured when introspection refreshes.
 */
export type Schema = SQLNamespace;

/** The language compartment: PostgreSQL dialect plus keyword/schema completion. */
export const languageCompartment = new Compartment();

/** Where a name is expected next: after FROM, JOIN, INTO, UPDATE, TABLE and a qualifier's dot. */
const nameExpected = /(?:\b(?:from|join|into|update|table)\s+|[\p{L}\p{N}_$"]\.)$/iu;

/**
 * openWhereNamesGo opens the schema's completions as soon as a name is
 * expected, before its first letter is typed: "select * from " offers the
 * tables and "o." the columns of the table aliased o. CodeMirror's schema
 * source answers an empty word only when asked explicitly (Ctrl+Space), so
 * this asks it explicitly in those places; elsewhere it stays silent, so
 * nothing is offered twice.
 */
export function openWhereNamesGo(source: CompletionSource): CompletionSource {
  return (context) => {
    if (context.explicit) return null;
    const before = context.state.sliceDoc(Math.max(0, context.pos - 64), context.pos);
    if (!nameExpected.test(before)) return null;
    return source(new CompletionContext(context.state, context.pos, true));
  };
}

/**
 * languageExtension returns the PostgreSQL language. Without a schema only
 * keywords complete; with one, tables and columns do too. Tables of
 * `defaultSchema` (public) complete without their schema prefix.
 */
export function languageExtension(schema?: Schema, defaultSchema = 'public'): Extension {
  if (!schema) return sql({ dialect: PostgreSQL });
  const config = { dialect: PostgreSQL, schema, defaultSchema };
  return [sql(config), PostgreSQL.language.data.of({ autocomplete: openWhereNamesGo(schemaCompletionSource(config)) })];
}
